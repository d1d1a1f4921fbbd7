"""What both readers share: the bounds, the rows they return (``PupilRow``, ``ContactRow``,
``Parsed``), ``FileRefused``, and the cleaning of dates, genders, SEN, year groups and UPNs."""

import datetime
import re
import unicodedata
from dataclasses import asdict, dataclass, field

from people import upn as upn_rules

MAX_BYTES = 5 * 1024 * 1024
MAX_PUPILS = 2000
MAX_ELEMENTS = 400_000
MAX_MARKS = 2 * 370  # two sessions a day for a year
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")

# CTF contact relationship codes (the DfE's common basic data set), in words.
RELATIONSHIPS = {
    "PAM": "Mother",
    "PAF": "Father",
    "PAR": "Parent",
    "STM": "Step-mother",
    "STF": "Step-father",
    "FOM": "Foster mother",
    "FOF": "Foster father",
    "GRM": "Grandmother",
    "GRF": "Grandfather",
    "CAR": "Carer",
    "REL": "Other relative",
    "FAM": "Other family member",
    "SWR": "Social worker",
    "CHM": "Childminder",
    "DOC": "Doctor",
    "HDT": "Head teacher",
    "OTH": "Other contact",
    "AUN": "Aunt",
    "UNC": "Uncle",
    "SIB": "Sibling",
}


class FileRefused(Exception):
    """The whole file cannot be read (wrong type, too big, no pupils): one message."""


@dataclass
class ContactRow:
    name: str
    relationship: str
    parental_responsibility: bool = False
    priority: int = 1
    phone: str = ""
    email: str = ""


@dataclass
class PupilRow:
    """One pupil as the file gives them. ``None`` means "not in this file" (not compared)."""

    where: str  # "Row 7" or "Pupil 3"
    first_name: str
    last_name: str
    date_of_birth: datetime.date
    upn: str = ""
    preferred_name: str | None = None
    gender: str | None = None
    year_group: str | None = None
    reg_group: str | None = None
    start_date: datetime.date | None = None
    leaving_date: datetime.date | None = None
    sen_status: str | None = None
    looked_after: bool | None = None
    contacts: list[ContactRow] | None = None
    # [(first day, marks string)]: two characters a day, AM then PM, from the first day.
    attendance: list[tuple[datetime.date, str]] = field(default_factory=list)

    def to_json(self) -> dict:
        data = asdict(self)
        for key in ("date_of_birth", "start_date", "leaving_date"):
            data[key] = data[key].isoformat() if data[key] else None
        data["attendance"] = [[d.isoformat(), m] for d, m in self.attendance]
        return data

    @classmethod
    def from_json(cls, data: dict) -> "PupilRow":
        data = dict(data)
        for key in ("date_of_birth", "start_date", "leaving_date"):
            data[key] = datetime.date.fromisoformat(data[key]) if data[key] else None
        if data.get("contacts") is not None:
            data["contacts"] = [ContactRow(**c) for c in data["contacts"]]
        data["attendance"] = [(datetime.date.fromisoformat(d), m) for d, m in data["attendance"]]
        return cls(**data)

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass
class Parsed:
    kind: str  # "ctf", "csv" or "xlsx"
    pupils: list[PupilRow]
    refused: list[str]
    file_date: datetime.date | None = None
    ignored_columns: list[str] = field(default_factory=list)


def name_key(first: str, last: str, dob: datetime.date) -> tuple[str, str, datetime.date]:
    """How a pupil is matched when there is no UPN: names in Unicode NFC, case-folded, with spaces
    trimmed, and the date of birth. (A fuller normalisation, apostrophes and accents, comes with
    tenancy/text.py; this is the simple form until then.)"""

    def norm(text: str) -> str:
        return " ".join(unicodedata.normalize("NFC", text or "").casefold().split())

    return norm(first), norm(last), dob


def parse_date(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value or "").strip()
    if not text:
        return None
    text = text[:10] if re.match(r"^\d{4}-\d{2}-\d{2}T", text) else text
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


# ---- values ------------------------------------------------------------------------------------

GENDERS = {"m": "M", "male": "M", "f": "F", "female": "F", "u": "U", "not known": "U", "w": "F"}
SEN = {
    "n": "N",
    "no special educational need": "N",
    "none": "N",
    "k": "K",
    "sen support": "K",
    "e": "E",
    "ehc plan": "E",
    "ehcp": "E",
    "education, health and care plan": "E",
    "education health and care plan": "E",
}
YES = {"y", "yes", "true", "1", "t"}
NO = {"n", "no", "false", "0", "f"}


def gender(value: str) -> str:
    text = (value or "").strip().casefold()
    if not text:
        return ""
    if text in GENDERS:
        return GENDERS[text]
    raise ValueError(f"gender “{value}” is not M, F or U (not known)")


def sen_status(value: str) -> str:
    text = (value or "").strip().casefold()
    if not text:
        return ""
    code = text.split(" - ")[0].strip()  # "K - SEN Support"
    if code in SEN:
        return SEN[code]
    if text in SEN:
        return SEN[text]
    raise ValueError(f"SEN status “{value}” is not N (no SEN), K (SEN support) or E (EHC plan)")


def year_group(value) -> str:
    text = str(value if value is not None else "").strip().upper()
    if not text:
        return ""
    text = re.sub(r"^(NC\s*)?(YEAR|YR|Y)\s*", "", text)
    if text.endswith(".0"):
        text = text[:-2]
    if text in ("R", "N1", "N2", "X") or (text.isdigit() and 1 <= int(text) <= 14):
        return str(int(text)) if text.isdigit() else text
    raise ValueError(f"year “{value}” is not a national curriculum year (R, N1, N2, 1–14 or X)")


def yes_no(value, label: str) -> bool | None:
    text = str(value if value is not None else "").strip().casefold()
    if not text:
        return None
    if text in YES:
        return True
    if text in NO:
        return False
    raise ValueError(f"{label} “{value}” is not yes or no")


def _upn(value, problems: list[str]) -> str:
    upn = upn_rules.normalise(str(value or ""))
    reason = upn_rules.problem(upn)
    if reason:
        problems.append(reason.rstrip("."))
        return ""
    return upn
