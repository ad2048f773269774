from .cases import (  # noqa: F401
    Case,
    CaseKind,
    CasePhoto,
    CaseSigner,
    CaseState,
    Channel,
    FollowUpStatus,
    SignerRole,
    SignerStatus,
    SupervisionLevel,
)
from .config import Category, DeadlinePolicy, ReplyClass  # noqa: F401
from .records import (  # noqa: F401
    CaseAssignment,
    CaseEvent,
    CaseNote,
    ContactParty,
    ContactRecord,
    ContactWay,
    Feedback,
    PhoneRevealLog,
    RaterKind,
    Rating,
    Reply,
    SupervisionKind,
    SupervisionRecord,
    UnitRole,
)
