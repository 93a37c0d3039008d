"""Call costs: what each billable call cost, matched to the call and its lead."""
