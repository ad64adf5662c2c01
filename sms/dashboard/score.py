"""The compliance score: a pure function over counts, so every point can be explained and tested.

Out of 100, in six parts. Each part says what lowered it and what would raise it. The definition and
its reasons are in docs/decisions.md ("Dashboard"). Nothing here reads the database: the dashboard's
selectors count, this module scores.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class ScoreCounts:
    overdue_obligations: int = 0
    reported_on_time: int = 0  # in the last 12 months
    reported_late: int = 0  # in the last 12 months
    salaries_below: int = 0
    absences_approaching: int = 0
    stale_level_1_users: int = 0
    single_level_1: bool = False
    one_person_holds_every_role: bool = False
    authorising_officer_left: bool = False
    unread_old_messages: int = 0
    monthly_review_overdue: bool = True


@dataclass(frozen=True)
class ScorePart:
    name: str
    points: int
    out_of: int
    lowered_by: str  # what took points off, "" when nothing did
    to_raise: str  # what would win them back, "" when the part is full

    @property
    def full(self) -> bool:
        return self.points == self.out_of


@dataclass(frozen=True)
class Score:
    parts: tuple[ScorePart, ...]

    @property
    def total(self) -> int:
        return sum(part.points for part in self.parts)

    @property
    def out_of(self) -> int:
        return sum(part.out_of for part in self.parts)

    @property
    def band(self) -> str:
        """Good (90 and over), needs attention (70 to 89), at risk (under 70)."""
        if self.total >= 90:
            return "Good"
        if self.total >= 70:
            return "Needs attention"
        return "At risk"


OVERDUE_POINTS, OVERDUE_EACH = 30, 10
ON_TIME_POINTS = 20
WORKERS_POINTS, WORKER_EACH = 15, 5
PEOPLE_POINTS = 15
MESSAGES_POINTS, MESSAGE_EACH = 10, 5
REVIEW_POINTS = 10


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _sentence(text: str) -> str:
    """Upper-case the first letter only ("Level 1" keeps its capital)."""
    return text[:1].upper() + text[1:]


def _overdue(counts: ScoreCounts) -> ScorePart:
    """Late reporting is non-compliance even when the content is right (seed 001): the heaviest part."""
    n = counts.overdue_obligations
    points = max(0, OVERDUE_POINTS - OVERDUE_EACH * n)
    return ScorePart(
        "No overdue reports",
        points,
        OVERDUE_POINTS,
        f"{_plural(n, 'report')} past {'its' if n == 1 else 'their'} legal deadline ({OVERDUE_EACH} points each)"
        if n
        else "",
        "Report the overdue obligations" if n else "",
    )


def _on_time(counts: ScoreCounts) -> ScorePart:
    """The share of the last 12 months' reports made on time; full marks with nothing reported."""
    made = counts.reported_on_time + counts.reported_late
    points = ON_TIME_POINTS if made == 0 else (ON_TIME_POINTS * counts.reported_on_time) // made
    late = counts.reported_late
    return ScorePart(
        "Reports made on time in the last 12 months",
        points,
        ON_TIME_POINTS,
        f"{late} of {_plural(made, 'report')} made late" if late else "",
        "Report by your internal target date: the late reports count for 12 months after they were made"
        if late
        else "",
    )


def _workers(counts: ScoreCounts) -> ScorePart:
    """Workers whose pay or absence needs a decision before it becomes a late report."""
    n = counts.salaries_below + counts.absences_approaching
    points = max(0, WORKERS_POINTS - WORKER_EACH * n)
    reasons = []
    if counts.salaries_below:
        reasons.append(f"{_plural(counts.salaries_below, 'salary')} below the certificate or the threshold")
    if counts.absences_approaching:
        reasons.append(f"{_plural(counts.absences_approaching, 'absence')} close to reportable")
    return ScorePart(
        "Worker pay and attendance",
        points,
        WORKERS_POINTS,
        f"{' and '.join(reasons)} ({WORKER_EACH} points each)" if reasons else "",
        "Restore the salary or report the change; contact absent workers and record their return" if n else "",
    )


def _people(counts: ScoreCounts) -> ScorePart:
    """Key personnel and users: the single points of failure seed 001 warns about."""
    lost, reasons, fixes = 0, [], []
    if counts.authorising_officer_left:
        lost += 15
        reasons.append("the Authorising Officer has left (15 points)")
        fixes.append("replace the Authorising Officer")
    if counts.single_level_1 and not counts.one_person_holds_every_role:  # the same weakness, counted once
        lost += 5
        reasons.append("only one Level 1 user (5 points)")
        fixes.append("request a second Level 1 user")
    if counts.one_person_holds_every_role:
        lost += 5  # the only Level 1 user is also the Authorising Officer and the Key Contact
        reasons.append("one person holds every role (5 points)")
        fixes.append("name a different Key Contact")
    if counts.stale_level_1_users:
        lost += 5 * counts.stale_level_1_users
        reasons.append(
            f"{_plural(counts.stale_level_1_users, 'Level 1 user')} not signed in for 12 months (5 points each)"
        )
        fixes.append("ask them to sign in, or deactivate accounts no longer needed")
    return ScorePart(
        "Key personnel and users",
        max(0, PEOPLE_POINTS - lost),
        PEOPLE_POINTS,
        _sentence("; ".join(reasons)),
        _sentence("; ".join(fixes)),
    )


def _messages(counts: ScoreCounts) -> ScorePart:
    n = counts.unread_old_messages
    return ScorePart(
        "Home Office messages read",
        max(0, MESSAGES_POINTS - MESSAGE_EACH * n),
        MESSAGES_POINTS,
        f"{_plural(n, 'message')} unread for more than a week ({MESSAGE_EACH} points each)" if n else "",
        "Read the messages on the message board" if n else "",
    )


def _review(counts: ScoreCounts) -> ScorePart:
    overdue = counts.monthly_review_overdue
    return ScorePart(
        "Monthly review",
        0 if overdue else REVIEW_POINTS,
        REVIEW_POINTS,
        "The monthly review is overdue or has never been done" if overdue else "",
        "Complete the monthly review" if overdue else "",
    )


def compliance_score(counts: ScoreCounts) -> Score:
    """The score and its parts, in the order the dashboard shows them."""
    return Score(
        parts=(
            _overdue(counts),
            _on_time(counts),
            _workers(counts),
            _people(counts),
            _messages(counts),
            _review(counts),
        )
    )
