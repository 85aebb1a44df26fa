"""Referral programmes and promoters' codes: links, clicks, conversions."""
