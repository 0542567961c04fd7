#pragma once
#define CONFIG_VALUE 0x4
