"""Run the Mondial Relay fake on its own, for a person trying the portal by hand:

    .venv/bin/python -m tests.shipping.carriers.mondial_relay.serve [PORT]

It serves the Lyon and Paris points of the tests (conftest.lyon_setup) until Ctrl-C and prints what a carrier
account needs (the address to put in "base URL" and the credentials). Type `step <expedition> <kind>` to push a
tracing step (kinds: registered, dropped, in_transit, out_for_delivery, delivered, anomaly, returned)."""

import sys

from tests.shipping.carriers.mondial_relay.conftest import lyon_setup
from tests.shipping.carriers.mondial_relay.fake import STEPS, FakeMondialRelay


def main(argv: list[str]) -> None:
    # A fixed port (argument) lets a carrier account keep pointing at it across runs.
    fake = FakeMondialRelay(port=int(argv[1]) if len(argv) > 1 else 0).start()
    lyon_setup(fake)
    print(f"Mondial Relay fake on {fake.url}  credentials: {fake.credentials}", flush=True)
    try:
        for line in sys.stdin:
            words = line.split()
            if len(words) == 3 and words[0] == "step" and words[1] in fake.expeditions and words[2] in STEPS:
                fake.step(words[1], words[2])
                print(f"{words[1]}: {words[2]}", flush=True)
            elif words:
                print(f"expeditions: {', '.join(fake.expeditions) or 'none'}; step <expedition> <kind>", flush=True)
    except KeyboardInterrupt:
        pass
    finally:
        fake.stop()


if __name__ == "__main__":
    main(sys.argv)
