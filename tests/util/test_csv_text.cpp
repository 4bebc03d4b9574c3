// CSV fields as RFC 4180 writes them: plain unless a comma, quote or line break needs quoting.
#include <doctest/doctest.h>

#include <string>

#include "util/csv_text.hpp"

using seqlab::csv_field;

TEST_CASE("csv_field leaves plain text as it is") {
  CHECK(csv_field("") == "");
  CHECK(csv_field("val_loss") == "val_loss");
  CHECK(csv_field("0.25") == "0.25");
  CHECK(csv_field("with space; and semicolon") == "with space; and semicolon");
  CHECK(csv_field("caf\xc3\xa9") == "caf\xc3\xa9");
}

TEST_CASE("csv_field quotes a comma, a quote or a line break, doubling the quotes inside") {
  CHECK(csv_field("a,b") == "\"a,b\"");
  CHECK(csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(csv_field("\"") == "\"\"\"\"");
  CHECK(csv_field("two\nlines") == "\"two\nlines\"");
  CHECK(csv_field("cr\r") == "\"cr\r\"");
  CHECK(csv_field(",") == "\",\"");
}

TEST_CASE("csv_field's output reads back as the one field it was") {
  // An RFC 4180 reader of one field: strip the outer quotes, undouble the inner ones.
  auto read_back = [](const std::string& field) {
    if (field.empty() || field.front() != '"') return field;
    std::string text;
    for (std::size_t i = 1; i + 1 < field.size(); ++i) {
      text += field[i];
      if (field[i] == '"') ++i;
    }
    return text;
  };
  for (const std::string text : {"x", "a,b", "\"\"", "a\"b,c\nd", ",\",\""}) CHECK(read_back(csv_field(text)) == text);
}
