# Checks that every source in framework/src has a test a newcomer can find:
#   cmake -DSOURCE_DIR=framework/src -DTESTS_DIR=tests -P cmake/check_test_mirror.cmake
# For X/Y.cpp that is tests/X/test_Y.cpp, or else a line in the source's opening comment block
#   // Tested in tests/a/test_b.cpp, tests/c/test_d.cpp
# naming test files (relative to TESTS_DIR's parent, the source tree's root) that exist. A `Tested in` line
# naming a file that does not exist fails too, mirrored test or not: a stale pointer misleads.
# Prints one line per violation and fails; prints a one-line summary and succeeds otherwise.
if(NOT SOURCE_DIR OR NOT TESTS_DIR)
  message(FATAL_ERROR "check_test_mirror: pass -DSOURCE_DIR=<framework/src> -DTESTS_DIR=<tests>")
endif()
get_filename_component(SOURCE_DIR "${SOURCE_DIR}" ABSOLUTE)
get_filename_component(TESTS_DIR "${TESTS_DIR}" ABSOLUTE)
get_filename_component(ROOT_DIR "${TESTS_DIR}" DIRECTORY)
get_filename_component(tests_name "${TESTS_DIR}" NAME)

file(GLOB_RECURSE sources RELATIVE ${SOURCE_DIR} ${SOURCE_DIR}/*.cpp)
list(SORT sources)
set(violations 0)
set(mirrored 0)
set(pointed 0)
foreach(source IN LISTS sources)
  get_filename_component(folder "${source}" DIRECTORY)
  get_filename_component(stem "${source}" NAME_WE)
  if(folder STREQUAL "")
    set(mirror "${tests_name}/test_${stem}.cpp")
  else()
    set(mirror "${tests_name}/${folder}/test_${stem}.cpp")
  endif()

  # The opening comment block: the `//` lines the file starts with. A `Tested in` line there, and the lines
  # right after it that hold only more test paths (a long list wrapped), name the tests.
  file(READ ${SOURCE_DIR}/${source} text)
  string(REGEX MATCH "^(//[^\n]*\n)+" opening "${text}")
  string(REGEX MATCH "(^|\n)// Tested in [^\n]*(\n//[ \t]+${tests_name}/[^\n]*)*" tested_in "${opening}")
  set(named "")
  if(tested_in)
    string(REGEX MATCHALL "${tests_name}/[^ \t\n,;()]+" named "${tested_in}")
    if(named STREQUAL "")
      message("${SOURCE_DIR}/${source}: error: its `// Tested in` line names no test file; write "
              "\"// Tested in ${mirror}, ...\" with paths from the source tree's root")
      math(EXPR violations "${violations} + 1")
      continue()
    endif()
    set(missing "")
    foreach(test IN LISTS named)
      string(REGEX REPLACE "\\.$" "" test "${test}")  # a sentence's full stop
      if(NOT EXISTS ${ROOT_DIR}/${test} OR IS_DIRECTORY ${ROOT_DIR}/${test})
        list(APPEND missing ${test})
      endif()
    endforeach()
    if(missing)
      string(REPLACE ";" ", " missing_text "${missing}")
      message("${SOURCE_DIR}/${source}: error: its `// Tested in` line names ${missing_text}, not an existing test "
              "file; name the test files that exercise it now")
      math(EXPR violations "${violations} + 1")
      continue()
    endif()
  endif()

  if(EXISTS ${ROOT_DIR}/${mirror})
    math(EXPR mirrored "${mirrored} + 1")
  elseif(named)
    math(EXPR pointed "${pointed} + 1")
  else()
    message("${SOURCE_DIR}/${source}: error: no test found: ${mirror} does not exist and the opening comment has no "
            "`// Tested in ${tests_name}/...` line; write that test, or name the test files that exercise it")
    math(EXPR violations "${violations} + 1")
  endif()
endforeach()

list(LENGTH sources checked)
if(checked EQUAL 0)
  message(FATAL_ERROR "test_mirror: no .cpp files under ${SOURCE_DIR}")
endif()
if(violations GREATER 0)
  message(FATAL_ERROR "test_mirror: ${violations} of ${checked} sources without a test a reader can find")
endif()
message("test_mirror: ${checked} sources: ${mirrored} with their ${tests_name}/X/test_Y.cpp, "
        "${pointed} with a `// Tested in` line naming existing tests")
