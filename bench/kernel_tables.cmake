# Shared by the benchmarks that run the kernel's own sh/mh table code in
# userspace: the language settings, and aavs_table_program(NAME SOURCE), an
# executable of SOURCE plus kernel/sched_{sh,mh}_table.c built unchanged
# against the unit tests' shim.
set(CMAKE_C_STANDARD 11)
set(CMAKE_C_EXTENSIONS ON)
set(CMAKE_CXX_STANDARD 20)
set(CMAKE_CXX_STANDARD_REQUIRED ON)
if(NOT CMAKE_BUILD_TYPE)
  set(CMAKE_BUILD_TYPE Release)
endif()

set(AAVS_TOP ${CMAKE_CURRENT_LIST_DIR}/..)
function(aavs_table_program name source)
  add_executable(${name} ${source}
    ${AAVS_TOP}/kernel/sched_sh_table.c
    ${AAVS_TOP}/kernel/sched_mh_table.c)
  target_include_directories(${name} BEFORE PRIVATE ${AAVS_TOP}/tests/unit/shim)
  # kernel/ only as -iquote: its sched.h must not shadow libc's <sched.h>.
  target_compile_options(${name} PRIVATE -Wall -Wextra -Werror -O2 -iquote ${AAVS_TOP}/kernel)
endfunction()
