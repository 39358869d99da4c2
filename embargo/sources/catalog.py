"""The official lists embargo knows: who publishes them and their official download URLs."""

from __future__ import annotations

from embargo.sources.base import SourceInfo

OFAC = "US Treasury OFAC"
OFAC_API = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports"
# Japan MOF: list.html links the workbook and the CSV edition relatively, named after the day of the
# revision (./shisantouketsu<YYYYMMDD>.xlsx), so this URL names the revision embargo last read.
MOF_SANCTIONS = "https://www.mof.go.jp/policy/international_policy/gaitame_kawase/gaitame/economic_sanctions"
# Japan METI: the End User List page (law05.html#user-list) links the workbook, named after the day
# of the revision; the folder below is inferred, not confirmed.
METI_ANPO = "https://www.meti.go.jp/policy/anpo"

SOURCES: dict[str, SourceInfo] = {
    s.name: s
    for s in (
        SourceInfo(
            "us_ofac_sdn",
            "OFAC Specially Designated Nationals and Blocked Persons List (SDN)",
            OFAC,
            "us",
            (
                f"{OFAC_API}/SDN.CSV",
                f"{OFAC_API}/ADD.CSV",
                f"{OFAC_API}/ALT.CSV",
                f"{OFAC_API}/SDN_COMMENTS.CSV",
            ),
            ("ofac_csv", "ofac_xml", "ofac_enhanced"),
        ),
        SourceInfo(
            "us_ofac_cons",
            "OFAC Consolidated (non-SDN) Sanctions List (SSI, NS-PLC, CMIC, NS-MBS, FSE, 561)",
            OFAC,
            "us",
            (f"{OFAC_API}/CONSOLIDATED.XML",),
            ("ofac_xml", "ofac_csv", "ofac_enhanced"),
        ),
        SourceInfo(
            "un_sc",
            "UN Security Council Consolidated List",
            "United Nations Security Council",
            "un",
            ("https://scsanctions.un.org/resources/xml/en/consolidated.xml",),
            ("un_sc_xml",),
        ),
        SourceInfo(
            "uk_ofsi",
            "UK HM Treasury OFSI Consolidated List of Financial Sanctions Targets",
            "UK HM Treasury OFSI",
            "gb",
            ("https://ofsistorage.blob.core.windows.net/publishlive/2022format/ConList.xlsx",),
            ("uk_ofsi",),
        ),
        SourceInfo(
            "uk_fcdo",
            "UK Sanctions List (FCDO)",
            "UK Foreign, Commonwealth & Development Office",
            "gb",
            ("https://sanctionslist.fcdo.gov.uk/docs/UK-Sanctions-List.xml",),
            ("uk_fcdo_xml",),
        ),
        SourceInfo(
            "eu_fsf",
            "EU Consolidated Financial Sanctions List (FSF)",
            "European Commission (FISMA/FPI)",
            "eu",
            (
                "https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/content?token=dG9rZW4tMjAxNw",
            ),
            ("eu_fsf_xml",),
        ),
        SourceInfo(
            "us_trade_csl",
            "US Consolidated Screening List (trade.gov: BIS Entity List, DPL, UVL, MEU; State ISN, DTC; OFAC)",
            "US International Trade Administration",
            "us",
            ("https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.csv",),
            ("us_csl_csv",),
        ),
        SourceInfo(
            "us_bis_dpl",
            "US Commerce BIS Denied Persons List",
            "US Commerce BIS",
            "us",
            ("https://www.bis.doc.gov/dpl/dpl.txt",),
            ("us_bis_dpl_txt",),
        ),
        SourceInfo(
            "ca_sema",
            "Consolidated Canadian Autonomous Sanctions List (SEMA)",
            "Global Affairs Canada",
            "ca",
            (
                "https://www.international.gc.ca/world-monde/assets/office_docs/international_relations-relations_internationales/sanctions/sema-lmes.xml",
            ),
            ("ca_sema_xml",),
        ),
        SourceInfo(
            "au_dfat",
            "Australia DFAT Consolidated List",
            "Australia DFAT",
            "au",
            ("https://www.dfat.gov.au/sites/default/files/regulation8_consolidated.xlsx",),
            ("au_dfat_xlsx",),
        ),
        SourceInfo(
            "ch_seco",
            "Swiss SECO Sanctions List",
            "Swiss State Secretariat for Economic Affairs (SECO)",
            "ch",
            (
                "https://www.sesam.search.admin.ch/sesam-search-web/pages/downloadXmlGesamtliste.xhtml?lang=en&action=downloadXmlGesamtlisteAction",
            ),
            ("ch_seco_xml",),
        ),
        SourceInfo(
            "jp_mof",
            "Japan MOF list of parties subject to asset freezes (Foreign Exchange and Foreign Trade Act)",
            "Japan Ministry of Finance",
            "jp",
            (f"{MOF_SANCTIONS}/shisantouketsu20260305.xlsx",),
            ("jp_mof_xlsx", "jp_mof_csv"),
        ),
        SourceInfo(
            "jp_meti_eul",
            "Japan METI End User List (Foreign User List, export control)",
            "Japan Ministry of Economy, Trade and Industry (METI)",
            "jp",
            (f"{METI_ANPO}/law_document/tutatu/t07sonota/20250929_4.xlsx",),
            ("jp_meti_eul_xlsx",),
        ),
    )
}


def source_info(name: str) -> SourceInfo:
    return SOURCES[name]
