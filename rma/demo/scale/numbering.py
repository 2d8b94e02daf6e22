"""The scale data set's names: distinct by construction, namespaced by run."""

EXTERNAL_ID_PREFIX = "scale-"
EMAIL_DOMAIN = "scale.example"
# Multiplier and modulus of the bijection that turns (run, index) into an RMA number: distinct by construction.
RMA_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
RMA_SPACE = len(RMA_ALPHABET) ** 8
RMA_MULTIPLIER = 1_103_515_241  # coprime with 30, so the map is one-to-one on the space
RUN_STRIDE = 1_000_000_000  # returns per run at most


def rma_number_for(*, run: int, index: int) -> str:
    """A readable RMA number that looks random but is unique per (run, index)."""
    value = (RMA_MULTIPLIER * (run * RUN_STRIDE + index)) % RMA_SPACE
    chars = []
    for _ in range(8):
        value, digit = divmod(value, len(RMA_ALPHABET))
        chars.append(RMA_ALPHABET[digit])
    return f"R-{''.join(chars[:4])}-{''.join(chars[4:])}"


def external_id_for(*, run: int, index: int) -> str:
    return f"{EXTERNAL_ID_PREFIX}{run:03d}-{index:09d}"
