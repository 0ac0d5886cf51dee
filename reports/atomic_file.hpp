// Writing report files so that a reader never sees half of one: the content goes to a
// temporary file next to the target, is flushed to disk, then renamed over the target (an
// atomic replace on POSIX file systems). On any error the temporary file is removed and the
// target is left as it was.
#pragma once
#include <fstream>
#include <string>
#include <string_view>

#include "engine/core/errors.hpp"

namespace tc::reports {

// Every error of the reports library: what() names the file (and line, for logs).
struct ReportError : tc::Error {
  using tc::Error::Error;
};

// Throws ReportError("cannot write <path>: <reason>") if the directory does not exist, is not
// writable, the disk is full, ... `durable`: fsync before the rename (off for scratch files,
// where only atomicity matters).
void write_file_atomically(const std::string& path, std::string_view content, bool durable = true);

// The whole file; ReportError("cannot read <path>: <reason>").
std::string read_file(const std::string& path);

// The file opened for reading (binary), to read in parts; the same errors as read_file.
std::ifstream open_for_reading(const std::string& path);

}  // namespace tc::reports
