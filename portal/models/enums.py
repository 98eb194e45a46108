"""One idiom for every status and category: a member is its stored value and its label.

    class NoticeStatus(LabelledEnum):
        PENDING = "pending", _l("Waiting for approval")

`NoticeStatus.PENDING.value` is what the database, URLs and forms use ("pending");
`.label` is what people read, translated; `NoticeStatus.choices()` feeds a form's select.
`LabelledEnum` members are strings (`StrEnum`); `LabelledIntEnum` members are ordered
numbers (roles: `Role.MANAGER > Role.STAFF`).
"""

import enum


class _Labelled:
    _label: object

    @property
    def label(self) -> str:
        return str(self._label)

    @classmethod
    def choices(cls) -> list[tuple]:
        """(value, label) pairs, in declaration order, for a form's choices."""
        return [(member.value, member.label) for member in cls]  # type: ignore[attr-defined]

    @classmethod
    def labels(cls) -> dict:
        """{value: label}, labels still lazy (translated when shown): for module-level tables."""
        return {member.value: member._label for member in cls}  # type: ignore[attr-defined]


class LabelledEnum(_Labelled, enum.StrEnum):
    def __new__(cls, value: str, label=None):
        member = str.__new__(cls, value)
        member._value_ = value
        member._label = label if label is not None else value
        return member


class LabelledIntEnum(_Labelled, enum.IntEnum):
    def __new__(cls, value: int, label=None):
        member = int.__new__(cls, value)
        member._value_ = value
        member._label = label if label is not None else value
        return member
