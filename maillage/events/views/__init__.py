"""Event pages: `members` (list, event, RSVP, propose, feedback, check-in), `staff` (approve,
attendance, QR code), `public` (visitors' RSVPs, a space's public events), `feeds` (iCal)."""
