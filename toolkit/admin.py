"""Nothing of the toolkit is in the admin. Trigger scripts and topics saved for therapy are
private to their author, and phrases, values and repairs are the couple's own words: staff
running Hearth have no reason to read them."""
