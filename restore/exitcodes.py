"""Exit statuses of the ``restore`` commands, and the messages more than one command prints.

Kept apart from the CLI so that every command module (``restore batch`` among them) can use them without
importing the CLI, which imports the commands.
"""

EXIT_OK, EXIT_INPUT, EXIT_USAGE = 0, 1, 2

PICKLED_MODEL = ("{lm}: cannot load the model: its weights are a pickled .bin file, which is not loaded "
                 "because unpickling can run code; use a model folder with .safetensors weights")
