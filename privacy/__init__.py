"""A person's data rights: exporting everything they wrote plus the couple's shared records
(JSON and a readable page), and deleting their account. Reads every other app's records through
their own `visible_to` / `for_couple` rules, so an export never holds what the person could not
read in the app."""
