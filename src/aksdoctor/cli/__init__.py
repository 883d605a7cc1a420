"""The command line: parse, call, render, exit. Heavy SDKs are imported only when a command runs."""
