#pragma once
#define MORE_VALUE 0x20000
