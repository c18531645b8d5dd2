"""The week's next step for one partner: what the home's first card and the week page name.

`next_step` is the whole state machine, a pure function of a week's facts as one reader may
know them (`WeekFacts`): statuses and answers, never the partner's words, and never whether the
partner has read anything."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Heard(StrEnum):
    """Where one listener's paraphrase of the other's challenge stands."""

    NOTHING = "nothing"  # no attempt yet
    WAITING = "waiting"  # an attempt awaits the author's answer
    NOT_QUITE = "not_quite"  # the latest attempt was "not quite": the listener tries again
    CONFIRMED = "confirmed"  # "yes, that's it"

    @classmethod
    def of(cls, latest_answer: str | None) -> Heard:
        """From the latest attempt's answer: None without one, "" while unanswered."""
        if latest_answer is None:
            return cls.NOTHING
        return {"": cls.WAITING, "yes": cls.CONFIRMED}.get(latest_answer, cls.NOT_QUITE)


class Kind(StrEnum):
    NO_PARTNER = "no_partner"
    WRITE = "write"
    YOUR_TURN = "your_turn"
    WAITING = "waiting"
    READ_TOGETHER = "read_together"
    ANSWER = "answer"
    LISTEN = "listen"
    LISTEN_AGAIN = "listen_again"
    AWAITING_YES = "awaiting_yes"
    PARTNER_LISTENING = "partner_listening"
    PROPOSE_STEP = "propose_step"
    AGREE_STEP = "agree_step"
    STEP_PROPOSED = "step_proposed"
    DONE = "done"


class Proposer(StrEnum):
    NOBODY = "nobody"
    READER = "reader"
    PARTNER = "partner"


@dataclass(frozen=True)
class WeekFacts:
    """This week as one reader may know it. `partner` is the partner's name, or "" while they
    have none. `mine` is the partner's listening to the reader's challenge, `theirs` the
    reader's listening to the partner's."""

    partner: str
    own_started: bool = False
    own_shared: bool = False
    partner_shared: bool = False
    revealed: bool = False
    i_heard: Heard = Heard.NOTHING
    they_heard: Heard = Heard.NOTHING
    proposer: Proposer = Proposer.NOBODY
    closed: bool = False


# (title, what it means, the button), each with %(partner)s where it names them.
TEXTS: dict[Kind, tuple[Promise, Promise, Promise]] = {
    Kind.NO_PARTNER: (
        _("Invite your partner"),
        _("Your check-in opens when you are two. Meanwhile your own entry stays private."),
        _("Invite your partner"),
    ),
    Kind.WRITE: (
        _("Write yours"),
        _("One small win and one remaining challenge. Only you see it until you share."),
        _("Write yours"),
    ),
    Kind.YOUR_TURN: (
        _("%(partner)s shared — your turn"),
        _("Their words open when yours are shared too, both at once."),
        _("Write yours"),
    ),
    Kind.WAITING: (
        _("Waiting for %(partner)s"),
        _("You shared. Both entries open together when %(partner)s shares too."),
        _("Look at yours"),
    ),
    Kind.READ_TOGETHER: (
        _("You've both shared: read together"),
        _("Both entries are open. Read them side by side, then listen."),
        _("Read together"),
    ),
    Kind.ANSWER: (
        _("%(partner)s is waiting for your “yes, that's it”"),
        _("They said what they heard in your challenge. Is that it?"),
        _("Answer %(partner)s"),
    ),
    Kind.LISTEN: (
        _("Say what you heard"),
        _("In your own words: what did you hear in %(partner)s's challenge?"),
        _("Say what you heard"),
    ),
    Kind.LISTEN_AGAIN: (
        _("Say what you heard, once more"),
        _("%(partner)s said “not quite” and told you more. Try again."),
        _("Try again"),
    ),
    Kind.AWAITING_YES: (
        _("What you heard is with %(partner)s"),
        _("They will say whether that's it."),
        _("Open the week"),
    ),
    Kind.PARTNER_LISTENING: (
        _("%(partner)s is saying what they heard"),
        _("You heard each other's side once they have written it."),
        _("Open the week"),
    ),
    Kind.PROPOSE_STEP: (
        _("Agree a small step"),
        _("One small step for the coming week, chosen together."),
        _("Propose a small step"),
    ),
    Kind.AGREE_STEP: (
        _("Agree a small step"),
        _("%(partner)s proposed one. Agree, or suggest another."),
        _("See the step"),
    ),
    Kind.STEP_PROPOSED: (
        _("Your small step is with %(partner)s"),
        _("The week closes once they agree."),
        _("Open the week"),
    ),
    Kind.DONE: (
        _("Done — well done, both of you"),
        _("This week is closed. Its small step waits on next week's page."),
        _("See the week"),
    ),
}

ANCHORS = {
    Kind.NO_PARTNER: "",
    Kind.WRITE: "#your-entry",
    Kind.YOUR_TURN: "#your-entry",
    Kind.READ_TOGETHER: "#together",
    Kind.ANSWER: "#listening",
    Kind.LISTEN: "#listening",
    Kind.LISTEN_AGAIN: "#listening",
    Kind.PROPOSE_STEP: "#closing",
    Kind.AGREE_STEP: "#closing",
}


@dataclass(frozen=True)
class Step:
    kind: Kind
    partner: str

    def _text(self, index: int) -> str:
        return str(TEXTS[self.kind][index]) % {"partner": self.partner}

    @property
    def title(self) -> str:
        return self._text(0)

    @property
    def lede(self) -> str:
        return self._text(1)

    @property
    def button(self) -> str:
        return self._text(2)

    @property
    def anchor(self) -> str:
        """Where on the week page the step is taken ("" for the week's top)."""
        return ANCHORS.get(self.kind, "")

    @property
    def on_week_page(self) -> bool:
        return self.kind != Kind.NO_PARTNER


def next_step(week: WeekFacts) -> Step:
    """The one next thing for the reader this week. What waits on the reader comes before
    what waits on the partner: an answer the partner waits for, then one's own listening."""
    kind = _kind(week)
    return Step(kind=kind, partner=week.partner)


def _kind(week: WeekFacts) -> Kind:
    if week.closed:
        return Kind.DONE
    if not week.partner:
        return Kind.NO_PARTNER
    # Open between these two once both of them shared (a week revealed with a former partner
    # is not open between the reader and someone who joined since).
    if not (week.revealed and week.own_shared and week.partner_shared):
        if week.own_shared:
            return Kind.WAITING
        return Kind.YOUR_TURN if week.partner_shared else Kind.WRITE
    if week.they_heard == Heard.WAITING:
        return Kind.ANSWER
    if week.proposer == Proposer.PARTNER:
        return Kind.AGREE_STEP
    if week.proposer == Proposer.READER:
        return Kind.STEP_PROPOSED
    if week.i_heard == Heard.NOTHING and week.they_heard == Heard.NOTHING:
        return Kind.READ_TOGETHER
    if week.i_heard == Heard.NOTHING:
        return Kind.LISTEN
    if week.i_heard == Heard.NOT_QUITE:
        return Kind.LISTEN_AGAIN
    if week.i_heard == Heard.WAITING:
        return Kind.AWAITING_YES
    if week.they_heard != Heard.CONFIRMED:
        return Kind.PARTNER_LISTENING
    return Kind.PROPOSE_STEP
