"""Mechanisms that know no domain: work queued on commit by task name, rate limits, seek
paging, HTML cleaning, kept tables. Every app may import it; it imports none of them."""
