# What `cmake --install` puts under the prefix:
#   bin/tapecheck
#   include/tapecheck/{engine,graph,eut,oracles,properties,testing}/...   (headers, .inc lists)
#   lib/libtapecheck_*.a
#   lib/cmake/tapecheck/tapecheckConfig.cmake (+ version, targets)
# A user's project then needs only
#   find_package(tapecheck REQUIRED)
#   target_link_libraries(my_engine PRIVATE tapecheck::tapecheck)          # the checks
#   target_link_libraries(my_tests PRIVATE tapecheck::gtest GTest::gtest_main)  # EXPECT_GRADIENTS_MATCH
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(TAPECHECK_INSTALLED_LIBRARIES tapecheck_engine tapecheck_graph tapecheck_eut tapecheck_oracles
    tapecheck_properties)

# Position-independent, so that a user's engine built as a plugin (a shared library) can link them.
set_target_properties(${TAPECHECK_INSTALLED_LIBRARIES} PROPERTIES POSITION_INDEPENDENT_CODE ON)
if(TARGET tapecheck_gtest)
  set_target_properties(tapecheck_gtest PROPERTIES POSITION_INDEPENDENT_CODE ON)
endif()

# tapecheck::tapecheck: everything a user's engine and its checks link against.
add_library(tapecheck_all INTERFACE)
target_link_libraries(tapecheck_all INTERFACE ${TAPECHECK_INSTALLED_LIBRARIES})
set_target_properties(tapecheck_all PROPERTIES EXPORT_NAME tapecheck)
add_library(tapecheck::tapecheck ALIAS tapecheck_all)

set(exported tapecheck_all ${TAPECHECK_INSTALLED_LIBRARIES})
if(TARGET tapecheck_gtest)
  set_target_properties(tapecheck_gtest PROPERTIES EXPORT_NAME gtest)
  list(APPEND exported tapecheck_gtest)
endif()

install(TARGETS ${exported} EXPORT tapecheckTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/tapecheck)
install(TARGETS tapecheck RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
foreach(dir engine graph eut oracles properties testing)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/${dir}/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/tapecheck/${dir}
          FILES_MATCHING PATTERN "*.hpp" PATTERN "*.inc")
endforeach()
install(EXPORT tapecheckTargets NAMESPACE tapecheck:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/tapecheck)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/tapecheckConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/tapecheckConfig.cmake
                              INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/tapecheck)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/tapecheckConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/tapecheckConfig.cmake ${PROJECT_BINARY_DIR}/tapecheckConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/tapecheck)
