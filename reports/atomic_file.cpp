#include "reports/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

namespace tc::reports {

namespace {

std::string reason(int err) { return std::strerror(err); }

std::string directory_of(const std::string& path) {
  const auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

void write_file_atomically(const std::string& path, std::string_view content, bool durable) {
  if (path.empty()) throw ReportError("cannot write an empty path");
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
    throw ReportError("cannot write " + path + ": it is a directory");
  const std::string dir = directory_of(path);
  if (::stat(dir.c_str(), &st) != 0)
    throw ReportError("cannot write " + path + ": directory " + dir + ": " + reason(errno));
  if (!S_ISDIR(st.st_mode)) throw ReportError("cannot write " + path + ": " + dir + " is not a directory");

  std::string tmpl = path + ".tmp-XXXXXX";
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  const int fd = ::mkstemp(name.data());
  if (fd < 0) throw ReportError("cannot write " + path + ": " + reason(errno));
  const std::string tmp(name.data());
  auto fail = [&](int err) {
    ::close(fd);
    ::unlink(tmp.c_str());
    throw ReportError("cannot write " + path + ": " + reason(err));
  };
  // mkstemp makes the file 0600; a report is an ordinary readable file. (Not 0666 & ~umask:
  // reading the umask means setting it, which races with other threads creating files.)
  if (::fchmod(fd, 0644) != 0) fail(errno);
  const char* p = content.data();
  std::size_t left = content.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail(errno);
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  if (durable && ::fsync(fd) != 0 && errno != EINVAL && errno != EROFS) fail(errno);
  if (::close(fd) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    throw ReportError("cannot write " + path + ": " + reason(err));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    throw ReportError("cannot write " + path + ": " + reason(err));
  }
}

std::ifstream open_for_reading(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw ReportError("cannot read " + path + ": " + reason(errno));
  if (S_ISDIR(st.st_mode)) throw ReportError("cannot read " + path + ": it is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ReportError("cannot read " + path + ": " + reason(errno));
  return in;
}

std::string read_file(const std::string& path) {
  std::ifstream in = open_for_reading(path);
  std::ostringstream s;
  s << in.rdbuf();
  if (in.bad()) throw ReportError("cannot read " + path + ": read error");
  return s.str();
}

}  // namespace tc::reports
