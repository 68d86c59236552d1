"""SOQL: grammar (Lark), AST, compilation to SQLite, execution and result shaping, escaping."""
