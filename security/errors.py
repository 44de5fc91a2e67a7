"""The access store's refusal, shared by its modules."""


class StoreError(ValueError):
    """A request the store refuses (unknown role, duplicate user, short password …)."""
