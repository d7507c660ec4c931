"""The company's brand on customer mail and pages: name, logo, sender, support address,
colour; and whether the customer is emailed what happens next after a complaint."""
