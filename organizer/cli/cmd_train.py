"""``organizer train``: learn from corrections, export ONNX, validate, activate if not worse.

The training code lives in ``organizer_training/``; it is imported only here, only when the
command runs.
It needs numpy and onnx only (installed with Organizer), never PyTorch.
"""

from __future__ import annotations

import argparse
import sys
import threading
from types import ModuleType

from organizer.app import App
from organizer.cli.progress import TerminalProgress
from organizer.errors import OrganizerError
from organizer.text import json_text, printable

INSTALL_HINT = "reinstall Organizer (pip install .) so that its dependencies are present"


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "train", help="learn from your corrections, export and check a new model, activate it"
    )
    parser.add_argument("--progress-json", action="store_true",
                        help="print progress and the result as JSON lines (for the app)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--candidate", action="store_true",
                        help="keep the new model as a candidate, do not activate it")
    parser.add_argument("--epochs", type=int, help="optimiser rounds (default: 12)")
    parser.set_defaults(run=run_train)


def load_training():
    """The training package, or a clear reason why it cannot run here."""
    for module in ("onnx",):
        try:
            __import__(module)
        except ImportError as error:
            raise OrganizerError(
                f"training needs {module}, which is not installed: {INSTALL_HINT}"
            ) from error
    try:
        from organizer_training import retrain
    except ImportError as error:
        raise OrganizerError(
            f"the training module cannot be loaded ({error}); {INSTALL_HINT}"
        ) from error
    return retrain


def _details(retrain: ModuleType, error: OrganizerError) -> dict:
    """What the app needs to word an error in its own language (``message`` is English)."""
    if isinstance(error, retrain.NothingToLearn):
        return {
            "reason": "nothing to learn",
            "waiting_for_examples": error.waiting,
            "min_examples": error.min_examples,
        }
    return {}


def run_train(app: App, args: argparse.Namespace) -> int:
    retrain = load_training()
    options = retrain.RetrainOptions(activate=not args.candidate)
    if args.epochs:
        options.epochs = args.epochs
    emit = _json_lines if args.progress_json else TerminalReporter()
    try:
        summary = retrain.retrain(app.library, app.library_dir, options, emit, threading.Event())
    except OrganizerError as error:
        if args.progress_json:
            _json_lines({"event": "error", "message": str(error), **_details(retrain, error)})
        raise
    finally:
        if isinstance(emit, TerminalReporter):
            emit.close()
    app.refresh_model()
    if args.json:
        print(json_text(summary))
    elif not args.progress_json:
        print_summary(summary)
    return 0


def _json_lines(event: dict) -> None:
    sys.stdout.write(json_text(event) + "\n")
    sys.stdout.flush()


class TerminalReporter:
    """Stages as a progress bar, epochs as one line each (on stderr, like other commands)."""

    def __init__(self) -> None:
        self.progress = TerminalProgress()

    def __call__(self, event: dict) -> None:
        kind = event["event"]
        if kind == "stage":
            self.progress(event["stage"], event["done"], event["total"])
        elif kind == "plan":
            waiting = event["waiting_for_examples"]
            print(f"learning {', '.join(event['tags']) or 'nothing'} from "
                  f"{event['training_photos']} of {event['photos']} photos", file=sys.stderr)
            for name, count in sorted(waiting.items()):
                print(f"  {name}: {count} confirmed photos, needs {event['min_examples']} "
                      "to become a model tag", file=sys.stderr)
        elif kind == "epoch":
            print(f"  epoch {event['epoch']:>2}/{event['epochs']}  loss {event['train_loss']:.4f}"
                  f"  held-out loss {event['val_loss']:.4f}  held-out agreement "
                  f"{event['val_accuracy']:.1%}", file=sys.stderr)

    def close(self) -> None:
        self.progress.close()


def print_summary(summary: dict) -> None:
    print(f"{'tag':<20} {'kind':<6} {'conf':>4} {'rej':>4}  {'errors':>9}  "
          f"{'threshold':>11}  {'suggested on others':>19}  {'AP':>5}")
    for tag in summary["per_tag"]:
        before, after = ("-" if tag[key] is None else f"{tag[key]:.2f}"
                         for key in ("threshold_before", "threshold_after"))
        ap = "-" if tag["held_out_ap"] is None else f"{tag['held_out_ap']:.2f}"
        print(
            f"{tag['tag']:<20} {'new' if tag['new'] else 'refit':<6} {tag['confirmed']:>4} "
            f"{tag['rejected']:>4}  {tag['errors_before']:>3} -> {tag['errors_after']:<3}  "
            f"{before:>4} -> {after:>4}  "
            f"{tag['suggested_before']:>7.1%} -> {tag['suggested_after']:<7.1%}  {ap:>5}"
        )
    print("errors: held-out corrections the model gets wrong (before = current model)")
    gate = summary.get("gate")
    if gate and gate["changes"]:
        print(f"\nsuggestions on the photos you did not correct ({gate['photos']} photos):")
        print(f"{'tag':<20} {'before':>7} {'after':>7} {'gained':>7} {'lost':>7}")
        for change in gate["changes"]:
            mark = "  <- " + change["problem"] if change["problem"] else ""
            print(f"{printable(change['tag']):<20} {change['before']:>7} {change['after']:>7} "
                  f"{change['appeared']:>7} {change['disappeared']:>7}{mark}")
    for name, count in sorted(summary["waiting_for_examples"].items()):
        print(f"{name}: {count} confirmed photos; a new tag needs "
              f"{summary['min_confirmed_examples']}")
    for name in summary.get("unsuggested_new_tags", []):
        print(f"{printable(name)}: its confirmed photos have little in common, so it is not "
              f"suggested on its own; 'organizer suggest {printable(name)}' lists photos like them")
    print(f"model {summary['version']}: {summary['decision']}")
