"""Where the assets records meet the workflow engine. Until the engine exists the records carry
their own status and the step services enforce the order and the separation of duties."""


def started(record, actor) -> None:
    """Called when a record that needs approval is created."""
    return None
