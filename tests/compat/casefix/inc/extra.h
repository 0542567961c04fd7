#pragma once
#define EXTRA_VALUE 0x10000
