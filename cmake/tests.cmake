# Tests are found by file name; see the top of CMakeLists.txt.
# cmocka is a test need, not a build need: without it (a machine set up by `scripts/deps.sh
# build` only) the C unit tests are left out and the rest builds, the bootstrap and the bench
# tools among them. scripts/test.sh sets LOOKOUT_REQUIRE_CMOCKA, so `make test` never skips them.
option(LOOKOUT_REQUIRE_CMOCKA "Fail when cmocka is missing instead of leaving out the unit tests" OFF)
find_package(PkgConfig REQUIRED)
if(LOOKOUT_REQUIRE_CMOCKA)
  pkg_check_modules(CMOCKA REQUIRED IMPORTED_TARGET cmocka)
else()
  pkg_check_modules(CMOCKA QUIET IMPORTED_TARGET cmocka)
  if(NOT CMOCKA_FOUND)
    message(STATUS "cmocka not found: the C unit tests are left out (scripts/deps.sh test installs it)")
  endif()
endif()
# The Python tests run with the interpreter scripts/deps.sh chose: the python3 on PATH when it
# has the test tools, else build/venv (scripts/python3 reads the choice).
set(PYTHON3 ${CMAKE_SOURCE_DIR}/scripts/python3)

# LOOKOUT_VALGRIND runs every C test binary, and every bootstrap the Python tests start,
# under valgrind memcheck; any error fails the test.
option(LOOKOUT_VALGRIND "Run the tests under valgrind memcheck" OFF)
set(VALGRIND_CMD "")
set(WRAPPER_ENV "")
if(LOOKOUT_VALGRIND)
  find_program(VALGRIND valgrind REQUIRED)
  set(VALGRIND_CMD ${VALGRIND} --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect --track-origins=yes --quiet)
  string(REPLACE ";" " " VALGRIND_STR "${VALGRIND_CMD}")
  set(WRAPPER_ENV "LOOKOUT_BOOTSTRAP_WRAPPER=${VALGRIND_STR}")
endif()

set(UNIT_TESTS "")
if(CMOCKA_FOUND)
  file(GLOB UNIT_TESTS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/unit/test_*.c)
endif()
foreach(src ${UNIT_TESTS})
  get_filename_component(name ${src} NAME_WE)
  add_executable(${name} ${src})
  target_link_libraries(${name} PRIVATE lookout PkgConfig::CMOCKA)
  target_compile_definitions(${name} PRIVATE
    LOOKOUT_SOURCE_DIR="${CMAKE_SOURCE_DIR}"
    LOOKOUT_TEST_DATA_DIR="${CMAKE_SOURCE_DIR}/tests/data")
  add_test(NAME unit.${name} COMMAND ${VALGRIND_CMD} $<TARGET_FILE:${name}> WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  set_tests_properties(unit.${name} PROPERTIES LABELS "unit" TIMEOUT 300)
endforeach()

file(GLOB TOOL_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/tools/*.c)
foreach(src ${TOOL_SOURCES})
  get_filename_component(name ${src} NAME_WE)
  add_executable(${name} ${src})
  target_link_libraries(${name} PRIVATE lookout)
endforeach()

file(GLOB BENCH_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/bench/*.c)
foreach(src ${BENCH_SOURCES})
  get_filename_component(name ${src} NAME_WE)
  add_executable(bench_${name} ${src})
  target_link_libraries(bench_${name} PRIVATE lookout)
endforeach()

# Python tests: each tests/<folder>/test_*.py is one ctest test labelled with its folder.
# They find the binaries through LOOKOUT_BUILD_DIR; LOOKOUT_BOOTSTRAP_WRAPPER (e.g. valgrind)
# is passed through from the environment of the ctest run.
file(GLOB_RECURSE PY_TESTS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/test_*.py)
foreach(src ${PY_TESTS})
  get_filename_component(name ${src} NAME_WE)
  get_filename_component(dir ${src} DIRECTORY)
  get_filename_component(label ${dir} NAME)
  add_test(NAME ${label}.${name}
           COMMAND ${PYTHON3} -m unittest -v ${name}
           WORKING_DIRECTORY ${dir})
  set_tests_properties(${label}.${name} PROPERTIES LABELS "${label}" TIMEOUT 600
    RESOURCE_LOCK "tests-${label}"
    ENVIRONMENT "${WRAPPER_ENV};LOOKOUT_BUILD_DIR=${CMAKE_BINARY_DIR};LOOKOUT_SOURCE_DIR=${CMAKE_SOURCE_DIR};PYTHONPATH=${CMAKE_SOURCE_DIR}/tests;PYTHONDONTWRITEBYTECODE=1")
endforeach()

if(ENABLE_FUZZ)
  file(GLOB FUZZ_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_*.c)
  foreach(src ${FUZZ_SOURCES})
    get_filename_component(name ${src} NAME_WE)
    add_executable(${name} ${src})
    target_compile_options(${name} PRIVATE -fsanitize=fuzzer)
    target_link_options(${name} PRIVATE -fsanitize=fuzzer)
    target_link_libraries(${name} PRIVATE lookout)
  endforeach()
endif()
