"""A 30-pupil common transfer file built from the DfE's CTF specification, with invented people:
``CTfile`` → ``Header`` and ``CTFpupilData/Pupil`` (UPN, names, DOB, gender, basic details, SEN,
looked-after status, phones, email, contacts with relationship, parental responsibility and
priority, and attendance as a session marks string from its start date).

``python -m tests.roll.ctf`` writes tests/roll/data/ctf_30.xml (kept in the repository so a reader
can open it)."""

import datetime
from pathlib import Path
from xml.sax.saxutils import escape

from people.upn import make as make_upn

FORENAMES = [
    "Amara",
    "Ben",
    "Chloé",
    "Dylan",
    "Esme",
    "Farhan",
    "Grace",
    "Harvey",
    "Isla",
    "Jayden",
    "Kacper",
    "Leah",
    "Mohammed",
    "Niamh",
    "Oscar",
    "Priya",
    "Quinn",
    "Rory",
    "Sienna",
    "Tomasz",
    "Umar",
    "Violet",
    "Wiktoria",
    "Xander",
    "Yusuf",
    "Zara",
    "Alfie",
    "Bethany",
    "Caleb",
    "Daisy",
]
SURNAMES = [
    "Okafor",
    "Whitfield",
    "Marchetti",
    "O'Neill",
    "Hartley",
    "Rahman",
    "Thornton",
    "Baxter",
    "McAllister",
    "Simmons",
    "Nowak",
    "Fletcher",
    "Hussain",
    "Gallagher",
    "Pemberton",
    "Sharma",
    "Ashworth",
    "Doyle",
    "Kerr",
    "Zielinski",
    "Farooq",
    "Lindqvist",
    "Kowalska",
    "Pryce",
    "Abdi",
    "Ellison",
    "Briggs",
    "Cartwright",
    "Mensah",
    "Holloway",
]
START = datetime.date(2026, 9, 7)  # a Monday, in the autumn term


def upn_for(index: int) -> str:
    return make_upn(801, 4101, 26, 100 + index)


def marks(weeks: int = 2, absent_day: int | None = None) -> str:
    """Two characters a day from START, weekends as "--"."""
    out = []
    for day in range(weeks * 7):
        if day % 7 >= 5:
            out.append("--")
        elif absent_day is not None and day == absent_day:
            out.append("II")
        else:
            out.append("/\\")
    return "".join(out)


def pupil_xml(index: int, *, upn: str | None = None, surname: str | None = None) -> str:
    forename = FORENAMES[index]
    surname = surname or SURNAMES[index]
    dob = datetime.date(2012 + index % 4, 1 + index % 12, 1 + (index * 7) % 28)
    gender = "F" if index % 2 == 0 else "M"
    sen = "E" if index % 3 == 0 else ("K" if index % 3 == 1 else "N")
    in_care = "true" if index % 10 == 4 else "false"
    mother_phone = f"07700 900{100 + index:03d}"
    contacts = f"""
        <Contacts>
          <Contact>
            <Order>1</Order>
            <Title>Ms</Title>
            <Forename>Parent{index}</Forename>
            <Surname>{escape(surname)}</Surname>
            <Gender>F</Gender>
            <Relationship>PAM</Relationship>
            <Responsibility>true</Responsibility>
            <Phones><Phone><TelephoneType>M</TelephoneType><PhoneNo>{mother_phone}</PhoneNo></Phone></Phones>
            <Email>parent{index}@example.org</Email>
          </Contact>
          <Contact>
            <Order>2</Order>
            <Forename>Grandad{index}</Forename>
            <Surname>{escape(surname)}</Surname>
            <Relationship>GRF</Relationship>
            <Responsibility>false</Responsibility>
            <Phones><Phone><TelephoneType>H</TelephoneType><PhoneNo>0161 496 0{100 + index:03d}</PhoneNo></Phone></Phones>
          </Contact>
        </Contacts>"""
    attendance = ""
    if index < 10:
        attendance = f"""
        <Attendance>
          <YearData>
            <Year>2026</Year>
            <LEA>801</LEA>
            <Estab>4101</Estab>
            <SchoolName>Penkford Primary</SchoolName>
            <SessionsPossible>20</SessionsPossible>
            <AttendSessions>
              <AttendanceStartDate>{START.isoformat()}</AttendanceStartDate>
              <AttendanceMarks>{escape(marks(absent_day=2 if index == 3 else None))}</AttendanceMarks>
            </AttendSessions>
          </YearData>
        </Attendance>"""
    return f"""
      <Pupil>
        <UPN>{upn or upn_for(index)}</UPN>
        <Surname>{escape(surname)}</Surname>
        <Forename>{escape(forename)}</Forename>
        <DOB>{dob.isoformat()}</DOB>
        <Gender>{gender}</Gender>
        <BasicDetails>
          <PreferredForename>{"Moe" if forename == "Mohammed" else ""}</PreferredForename>
          <NCyearActual>{7 + index % 4}</NCyearActual>
          <EntryDate>2026-09-01</EntryDate>
          <MedicalFlag>false</MedicalFlag>
        </BasicDetails>
        <LookedAfter><InCare>{in_care}</InCare></LookedAfter>
        <SENhistory>
          <SEN><StartDate>2024-09-01</StartDate><SENprovision>{sen}</SENprovision></SEN>
        </SENhistory>
        <Phones><Phone><TelephoneType>H</TelephoneType><PhoneNo>0161 496 0{100 + index:03d}</PhoneNo></Phone></Phones>
        <Email>family{index}@example.org</Email>{contacts}{attendance}
      </Pupil>"""


def ctf(count: int = 30, *, extra: str = "", skip: set[int] | None = None) -> bytes:
    pupils = "".join(pupil_xml(i) for i in range(count) if i not in (skip or set()))
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<CTfile>
  <Header>
    <DocumentName>Common Transfer File</DocumentName>
    <CTFversion>24.0</CTFversion>
    <DateTime>2026-09-20T09:30:00</DateTime>
    <DocumentQualifier>full</DocumentQualifier>
    <SupplierID>Invented MIS</SupplierID>
    <SourceSchool>
      <LEA>801</LEA>
      <Estab>4101</Estab>
      <SchoolName>Penkford Primary</SchoolName>
      <AcademicYear>2026</AcademicYear>
    </SourceSchool>
    <DestSchool>
      <LEA>801</LEA>
      <Estab>7001</Estab>
    </DestSchool>
  </Header>
  <CTFpupilData>{pupils}{extra}
  </CTFpupilData>
</CTfile>
""".encode()


if __name__ == "__main__":
    path = Path(__file__).parent / "data" / "ctf_30.xml"
    path.write_bytes(ctf())
    print(path)
