"""An :class:`argparse.ArgumentParser` whose errors suggest the closest valid name.

Python 3.11's argparse has no ``suggest_on_error``: this subclass adds
``(did you mean ...?)`` to "invalid choice" (a misspelt command),
"unrecognized arguments" (a misspelt option) and "the following arguments are
required" (a misspelt required option) errors, looking the option up in the
subcommand that was given.

>>> p = ArgumentParser(prog="demo")
>>> _ = p.add_argument("--x-cap")
>>> p.hint("unrecognized arguments: --xcap 5")
'unrecognized arguments: --xcap 5 (did you mean `--x-cap`?)'
"""

import argparse
import re

from .._validation import suggest

__all__ = ["ArgumentParser"]


class ArgumentParser(argparse.ArgumentParser):
    """``argparse.ArgumentParser`` with suggestions in its error messages."""

    def parse_known_args(self, args=None, namespace=None):
        self._pm_argv = list(args) if args is not None else None
        return super().parse_known_args(args, namespace)

    def _pm_subparsers(self):
        for action in self._actions:
            if isinstance(action, argparse._SubParsersAction):
                return action.choices
        return {}

    def _pm_options(self):
        """Option strings of this parser and of the subcommand named in the arguments."""
        def own(p):
            return [o for a in p._actions if not isinstance(a, argparse._HelpAction)
                    for o in a.option_strings]

        opts = own(self)
        subs = self._pm_subparsers()
        for word in getattr(self, "_pm_argv", None) or ():
            if word in subs:
                opts += own(subs[word])
                break
        return opts

    def hint(self, message):
        """``message`` with ``(did you mean ...?)`` appended when a close name exists."""
        m = re.search(r"invalid choice: '([^']*)' \(choose from (.*)\)", message)
        if m:  # (choices are quoted up to Python 3.12.7, bare after)
            choices = [c.strip().strip("'") for c in m.group(2).split(",")]
            return message + suggest(m.group(1), choices)
        m = re.match(r"unrecognized arguments: (.*)", message)
        words = m.group(1).split() if m else []
        if message.startswith("the following arguments are required"):
            # a misspelt required option is reported as missing: look for the misspelling
            known = set(self._pm_options())
            words = [w for w in getattr(self, "_pm_argv", None) or ()
                     if w.startswith("-") and w.split("=", 1)[0] not in known]
        for word in words:
            if word.startswith("-"):
                word = word.split("=", 1)[0]
                if len(word.lstrip("-")) > 1:
                    h = suggest(word, [o for o in self._pm_options() if o.startswith("--")])
                else:
                    h = suggest(word, self._pm_options(), cutoff=0.5)
                if h:
                    return message + h
        return message

    def error(self, message):
        super().error(self.hint(message))
