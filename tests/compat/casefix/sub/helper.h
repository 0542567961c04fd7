#pragma once
#define HELPER_VALUE 0x30
