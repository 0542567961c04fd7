# Shared build rules. Project code is built with Windows x64 widths
# (-fshort-wchar: WCHAR is 16 bits everywhere, in the executive and in
# drivers alike) and warnings as errors.
find_package(PkgConfig REQUIRED)
pkg_check_modules(CMOCKA REQUIRED IMPORTED_TARGET cmocka)
pkg_check_modules(LMDB REQUIRED IMPORTED_TARGET lmdb)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
find_package(Threads REQUIRED)

set(DDK_INCLUDE_DIR ${CMAKE_SOURCE_DIR}/include)
set(DDK_COMMON_FLAGS -fshort-wchar -fno-strict-aliasing -Wno-multichar -Wno-unknown-pragmas)
if(CMAKE_C_COMPILER_ID STREQUAL "GNU")
  list(APPEND DDK_COMMON_FLAGS -Wno-format-truncation)
endif()
set(DDK_WARN_FLAGS -Wall -Wextra -Werror)
# Test drivers are project code too, but written in the Windows idiom.
set(DDK_DRIVER_WARN_FLAGS -Wall -Wextra -Werror -Wno-unused-parameter)

if(DDK_SANITIZE)
  set(DDK_SAN_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  add_compile_options(${DDK_SAN_FLAGS})
  add_link_options(${DDK_SAN_FLAGS})
  add_compile_definitions(DDK_SANITIZE=1)
endif()

add_compile_options(${DDK_COMMON_FLAGS})
include_directories(${DDK_INCLUDE_DIR} ${CMAKE_SOURCE_DIR}/src)

# ddk_add_test(NAME SOURCES... [LABELS l...] [TIMEOUT s])
# A cmocka executable registered with ctest, linked to the executive.
function(ddk_add_test name)
  cmake_parse_arguments(T "" "TIMEOUT" "SOURCES;LABELS;LIBS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_compile_options(${name} PRIVATE ${DDK_WARN_FLAGS})
  target_compile_definitions(${name} PRIVATE
      DDK_TEST_DRIVER_DIR="${CMAKE_BINARY_DIR}/drivers"
      DDK_BUILD_DIR="${CMAKE_BINARY_DIR}"
      DDK_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
  target_include_directories(${name} PRIVATE ${CMAKE_SOURCE_DIR}/tests/include)
  target_link_libraries(${name} PRIVATE ddkkrnl PkgConfig::CMOCKA ${T_LIBS})
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  add_test(NAME ${name} COMMAND ${name})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  set_tests_properties(${name} PROPERTIES TIMEOUT ${T_TIMEOUT}
      ENVIRONMENT "CMOCKA_MESSAGE_OUTPUT=stdout;DDK_BUILD_DIR=${CMAKE_BINARY_DIR}")
  if(T_LABELS)
    set_tests_properties(${name} PROPERTIES LABELS "${T_LABELS}")
  endif()
endfunction()

# ddk_add_driver(NAME SOURCES... [MODEL wdm|kmdf|umdf])
# A driver module built the way ddk-cc builds one (same flags, same entry
# stub), placed in build/drivers/NAME.so for tests to load.
function(ddk_add_driver name)
  cmake_parse_arguments(D "" "MODEL" "SOURCES" ${ARGN})
  if(NOT D_MODEL)
    set(D_MODEL wdm)
  endif()
  add_library(${name} MODULE ${D_SOURCES} ${CMAKE_SOURCE_DIR}/src/stub/driver_entry.c)
  set_target_properties(${name} PROPERTIES PREFIX "" LIBRARY_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/drivers
      C_VISIBILITY_PRESET hidden)
  string(TOUPPER ${D_MODEL} MODEL_UC)
  target_compile_definitions(${name} PRIVATE DDK_DRIVER=1 DDK_MODEL_${MODEL_UC}=1)
  target_compile_options(${name} PRIVATE ${DDK_DRIVER_WARN_FLAGS})
endfunction()

# Every tests/<dir>/test_*.c is one cmocka executable (test_soak_*.c ones
# carry the ctest label "soak" and run only under `make soak`); every
# tests/<dir>/*_drv.c is one driver module (*_kmdf_drv.c a KMDF one,
# *_umdf_drv.c a UMDF 2 one, the rest WDM); every tests/<dir>/*_test.c is
# the test of the conformance pair.
function(ddk_glob_tests dir)
  file(GLOB drvs CONFIGURE_DEPENDS ${dir}/*_drv.c)
  foreach(f ${drvs})
    get_filename_component(n ${f} NAME_WE)
    if(n MATCHES "_kmdf_drv$")
      ddk_add_driver(${n} SOURCES ${f} MODEL kmdf)
    elseif(n MATCHES "_umdf_drv$")
      ddk_add_driver(${n} SOURCES ${f} MODEL umdf)
    else()
      ddk_add_driver(${n} SOURCES ${f})
    endif()
  endforeach()
  file(GLOB tests CONFIGURE_DEPENDS ${dir}/test_*.c ${dir}/*_test.c)
  foreach(f ${tests})
    get_filename_component(n ${f} NAME_WE)
    # test_soak_*.c: long stress runs, only under `make soak`
    if(n MATCHES "^test_soak_")
      ddk_add_test(${n} SOURCES ${f} LABELS soak TIMEOUT 3600)
    else()
      ddk_add_test(${n} SOURCES ${f})
    endif()
  endforeach()
  foreach(f ${drvs})
    get_filename_component(n ${f} NAME_WE)
    foreach(t ${tests})
      get_filename_component(tn ${t} NAME_WE)
      add_dependencies(${tn} ${n})
    endforeach()
  endforeach()
endfunction()
