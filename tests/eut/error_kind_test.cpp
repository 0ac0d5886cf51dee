// eut/error_kind.hpp: the error kinds at the engine boundary — names that read back, a phrase
// for each, and the kind of each tc::Error.
#include "eut/error_kind.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "engine/core/errors.hpp"

namespace tc::eut {
namespace {

constexpr ErrorKind kAll[] = {ErrorKind::shape, ErrorKind::dtype,        ErrorKind::tape,  ErrorKind::limit,
                              ErrorKind::none_used, ErrorKind::no_gradients, ErrorKind::other,   ErrorKind::input, ErrorKind::engine_threw,
                              ErrorKind::crash, ErrorKind::timeout};

TEST(ErrorKind, NamesAreTheLogsSpellingAndReadBack) {
  std::set<std::string> names, phrases;
  for (ErrorKind k : kAll) {
    names.insert(error_kind_name(k));
    phrases.insert(error_kind_phrase(k));
    EXPECT_EQ(parse_error_kind(error_kind_name(k)), k);
    EXPECT_TRUE(k == error_kind_name(k));
  }
  EXPECT_EQ(names.size(), std::size(kAll));
  EXPECT_EQ(phrases.size(), std::size(kAll));  // each kind its own phrase
  EXPECT_STREQ(error_kind_name(ErrorKind::none_used), "none_used");
  EXPECT_STREQ(error_kind_name(ErrorKind::engine_threw), "engine_threw");
  EXPECT_EQ(parse_error_kind("Shape"), std::nullopt);
  EXPECT_TRUE(ErrorKind::tape != "shape");
}

TEST(ErrorKind, PhrasesReadInASentence) {
  EXPECT_EQ(std::string("the engine stopped with ") + error_kind_phrase(ErrorKind::other),
            "the engine stopped with an error");
  EXPECT_STREQ(error_kind_phrase(ErrorKind::shape), "a shape error");
  EXPECT_STREQ(error_kind_phrase(ErrorKind::timeout), "a timeout");
}

TEST(ErrorKind, ClassifiesTheErrorTypes) {
  EXPECT_EQ(classify_error(ShapeError("s")), ErrorKind::shape);
  EXPECT_EQ(classify_error(DTypeError("d")), ErrorKind::dtype);
  EXPECT_EQ(classify_error(TapeError("t")), ErrorKind::tape);
  EXPECT_EQ(classify_error(NoGradientsError("n")), ErrorKind::no_gradients);
  EXPECT_EQ(classify_error(LimitError("l")), ErrorKind::limit);
  EXPECT_EQ(classify_error(NoneUsedError("n")), ErrorKind::none_used);
  EXPECT_EQ(classify_error(Error("e")), ErrorKind::other);
  EXPECT_EQ(classify_error(std::runtime_error("r")), ErrorKind::other);
}

}  // namespace
}  // namespace tc::eut
