"""Why a delivery attempt failed, and whether trying again can help."""


class DeliveryFailed(Exception):
    """A send did not go through; `permanent` ones are dead-lettered at once, the others retried later."""

    def __init__(self, message: str, *, permanent: bool = False, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent
        self.retry_after = retry_after

    def __str__(self) -> str:
        return self.message
