"""Events of the organisation that other domains subscribe to.

They are sent inside the transaction that records the change, so a subscriber's own writes
(revoking accounts when a person leaves, say) commit with it or not at all.
Arguments: ``person``, ``job_change``, ``actor``.
"""

from django.dispatch import Signal

person_transferred = Signal()  # 调离岗位
person_departed = Signal()  # 离职
