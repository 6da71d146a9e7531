"""Rule 11, triangular debt: bilateral set-off with debtors who are also our suppliers, and the
multilateral clearing of chains of debt among many firms."""
