#pragma once
#define LEVELS_VALUE 0x200
