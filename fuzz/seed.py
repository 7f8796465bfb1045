"""Seeds fuzz/corpus/framer_parser/ with every command and response of tests/common/corpus.rs.

    python3 fuzz/seed.py

Each `b"..."` literal there becomes one file (its escapes are the same in Rust and Python);
libFuzzer then starts from valid IMAP instead of from nothing.
"""

import ast
import pathlib
import re

HERE = pathlib.Path(__file__).resolve().parent
SOURCE = HERE.parent / "tests" / "common" / "corpus.rs"
TARGET = HERE / "corpus" / "framer_parser"

literals = re.findall(rb'\bb"(?:[^"\\]|\\.)*"', SOURCE.read_bytes())
TARGET.mkdir(parents=True, exist_ok=True)
for n, literal in enumerate(literals):
    (TARGET / f"seed-{n:03}").write_bytes(ast.literal_eval(literal.decode()))
print(f"{len(literals)} seeds in {TARGET}")
