"""The commands, one module each: its parser (`add_parser`) and its work (`main`), as asv keeps
them, so what a command does is read in one place. Below the commands nothing reads argparse."""
