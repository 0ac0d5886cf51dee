// tapecheck: gradient-correctness testing and fuzzing. `tapecheck --help` lists commands.
#include <exception>
#include <iostream>

#include "cli/commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"tapecheck: test and fuzz gradients of autodiff engines"};
  app.require_subcommand(1);
  tc::cli::register_ops(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const std::exception& e) {
    std::cerr << "tapecheck: error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
