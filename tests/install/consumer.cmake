# The consumer test (ctest install.example_engine): what a user does to check their own engine.
#   1. cmake --install tapecheck into a fresh prefix;
#   2. configure and build examples/my_engine against it (find_package(tapecheck));
#   3. run the example's own GoogleTest suite (EXPECT_GRADIENTS_MATCH);
#   4. load the example engine into the installed tapecheck as a plugin and replay its graphs.
# Inputs: BUILD_DIR (tapecheck's build tree), SOURCE_DIR, WORK_DIR (scratch, wiped first),
# CONSUMER_CXX_FLAGS / CONSUMER_LINKER_FLAGS (the build's own: sanitizers).
file(REMOVE_RECURSE ${WORK_DIR})
function(step what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (${rc}):\n${out}\n${err}")
  endif()
  message(STATUS "${what}: ok")
  set(step_output "${out}" PARENT_SCOPE)
endfunction()

step("install" ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${WORK_DIR}/prefix)
step("configure the example" ${CMAKE_COMMAND} -S ${SOURCE_DIR}/examples/my_engine -B ${WORK_DIR}/build
     -G Ninja -DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix -DCMAKE_BUILD_TYPE=RelWithDebInfo
     -DCMAKE_CXX_COMPILER_LAUNCHER=ccache "-DCMAKE_CXX_FLAGS=${CONSUMER_CXX_FLAGS}"
     "-DCMAKE_EXE_LINKER_FLAGS=${CONSUMER_LINKER_FLAGS}" "-DCMAKE_SHARED_LINKER_FLAGS=${CONSUMER_LINKER_FLAGS}")
step("build the example" ${CMAKE_COMMAND} --build ${WORK_DIR}/build)
step("the example's tests" ${CMAKE_CTEST_COMMAND} --test-dir ${WORK_DIR}/build --output-on-failure)
file(GLOB graphs ${SOURCE_DIR}/examples/my_engine/graphs/*.tcg)
foreach(g ${graphs})
  step("replay ${g} on the plugin" ${WORK_DIR}/prefix/bin/tapecheck replay
       --engine plugin:${WORK_DIR}/build/libmy_engine.so ${g})
  if(NOT step_output MATCHES "on engine my_engine")
    message(FATAL_ERROR "the replay did not run the plugin:\n${step_output}")
  endif()
endforeach()
