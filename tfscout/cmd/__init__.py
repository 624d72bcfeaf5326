"""One module per ``tfscout`` subcommand: ``add_parser(subparsers)`` and ``run(args) -> int``."""
