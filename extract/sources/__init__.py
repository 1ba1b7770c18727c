"""The landing sources, one module each: adding a source is adding a module here."""

from extract.sources import complaints, dispositions, icp_filings, keyword_hits, registrations
from extract.spec import Source

SOURCES: dict[str, Source] = {
    m.SOURCE.name: m.SOURCE for m in (registrations, icp_filings, complaints, keyword_hits, dispositions)
}
