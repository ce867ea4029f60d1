"""Examples shown at the end of each command's ``--help``.

One entry per command path (the words after ``inspector-app``). ``build_parser`` puts the
entry into the parser's epilog; ``tests/test_cli_help.py`` fails for a command without one
and checks that every example line parses. A new sub-command adds its entry here.
"""

from __future__ import annotations

import argparse

EXAMPLES: dict[str, str] = {
    "": """
  inspector-app                            # the window, on the default database
  inspector-app --db office.db --lang en   # another database, in English
  inspector-app list --verdict fail        # failed inspections
  inspector-app --self-test                # check that this installation works""",
    "demo": """
  inspector-app demo --db demo.db
  inspector-app demo --db demo.db --premises 20 --inspections 500 --seed 7""",
    "list": """
  inspector-app list --family scale --verdict fail
  inspector-app list --search 七里站 --limit 20
  inspector-app list --status draft --json""",
    "show": """
  inspector-app show 3f9a2c
  inspector-app show 3f9a2c --json""",
    "check": """
  inspector-app check
  inspector-app check --db /media/usb/inspector.db --json""",
    "backup": """
  inspector-app backup ~/backups/inspector-2025-06-30.db""",
    "restore": """
  inspector-app restore ~/backups/inspector-2025-06-30.db
  inspector-app restore --latest               # the newest good backup the program made""",
    "backups": """
  inspector-app backups
  inspector-app backups --keep 20 --json""",
    "salvage": """
  inspector-app salvage -o ~/rescued.db""",
    "office-roles": """
  inspector-app office-roles --db postgresql://owner@server/inspector
  inspector-app office-roles --db postgresql://owner@server/inspector --add zhang --role supervisor --password-file pw.txt""",
    "office-server": """
  inspector-app office-server --dir ./office-db          # prints the URL for --db
  inspector-app office-server --dir ./office-db --status
  inspector-app office-server --dir ./office-db --stop""",
    "evaluate": """
  inspector-app evaluate request.json
  inspector-app evaluate < request.json > result.json""",
    "report": """
  inspector-app report 3f9a2c -o certificate.pdf
  inspector-app report 3f9a2c -o certificate.pdf --sign --passphrase-file ~/.pass""",
    "summary": """
  inspector-app summary --from 2025-01-01 --to 2025-03-31 -o q1.pdf
  inspector-app summary --market 七里站市场 --lang en -o market.pdf""",
    "verify": """
  inspector-app verify certificate.pdf
  inspector-app verify certificate.pdf --json""",
    "keys": """
  inspector-app keys init --name 张伟
  inspector-app keys export-cert -o zhang-wei.pem
  inspector-app keys show""",
    "keys init": """
  inspector-app keys init --name 张伟 --organization 合肥市市场监督管理局""",
    "keys export-cert": """
  inspector-app keys export-cert -o zhang-wei.pem""",
    "keys import-p12": """
  inspector-app keys import-p12 zhang-wei.p12 --p12-password-file p12.txt""",
    "keys show": """
  inspector-app keys show --json""",
    "keys rotate": """
  inspector-app keys rotate
  inspector-app keys rotate --name 张伟 --registration-no 皖JL-2025-017""",
    "keys csr": """
  inspector-app keys csr -o zhang-wei.csr --registration-no 皖JL-2025-017""",
    "keys import-cert": """
  inspector-app keys import-cert zhang-wei-issued.pem""",
    "keys history": """
  inspector-app keys history
  inspector-app keys history --json""",
    "ca": """
  inspector-app ca init --name 合肥市市场监督管理局
  inspector-app ca issue --csr zhang-wei.csr -o zhang-wei-issued.pem
  inspector-app ca revoke 723094517 --reason key_compromise""",
    "ca init": """
  inspector-app ca init --name 合肥市市场监督管理局 --passphrase-file ca.pass""",
    "ca issue": """
  inspector-app ca issue --csr zhang-wei.csr -o zhang-wei-issued.pem
  inspector-app ca issue --name 王敏 --registration-no 皖JL-2025-031 -o wang-min.p12
  inspector-app ca issue --name 刘洋 --role office -o liu-yang.p12""",
    "ca revoke": """
  inspector-app ca revoke 723094517 --time 2026-05-01T08:00+08:00 --reason key_compromise""",
    "ca list": """
  inspector-app ca list --json""",
    "ca cert": """
  inspector-app ca cert -o office-ca.pem""",
    "certificate": """
  inspector-app certificate list
  inspector-app certificate void HF2026-000012 --reason "打印错误，未交付" --by 王敏""",
    "certificate list": """
  inspector-app certificate list --void --json""",
    "certificate void": """
  inspector-app certificate void HF2026-000012 --reason "打印错误，未交付" --by 王敏""",
    "trust revocations": """
  inspector-app trust revocations --json""",
    "trust": """
  inspector-app trust add zhang-wei.pem
  inspector-app trust list
  inspector-app trust remove 9c41d07e""",
    "trust add": """
  inspector-app trust add zhang-wei.pem --name 张伟
  inspector-app trust add office-ca.pem                 # every certificate the CA issued
  inspector-app trust add liu-yang.pem --as office      # a countersigner""",
    "trust list": """
  inspector-app trust list --json""",
    "trust remove": """
  inspector-app trust remove 9c41d07e""",
    "bundle": """
  inspector-app bundle export -o /media/usb/field.zip
  inspector-app bundle inspect /media/usb/field.zip
  inspector-app bundle import /media/usb/office.zip""",
    "bundle export": """
  inspector-app bundle export -o /media/usb/field.zip
  inspector-app bundle export --direction office -o /media/usb/office.zip""",
    "bundle inspect": """
  inspector-app bundle inspect /media/usb/field.zip --json""",
    "bundle import": """
  inspector-app bundle import /media/usb/field.zip""",
    "conflicts": """
  inspector-app conflicts list
  inspector-app conflicts resolve 12 --keep incoming""",
    "conflicts list": """
  inspector-app conflicts list --all --json""",
    "conflicts resolve": """
  inspector-app conflicts resolve 12 --keep local""",
    "role": """
  inspector-app role
  inspector-app role supervisor""",
    "review": """
  inspector-app review list
  inspector-app review approve 3f9a2c
  inspector-app review return 3f9a2c --comment "photo of the seal is missing\"""",
    "review list": """
  inspector-app review list --market 七里站市场 --verdict fail
  inspector-app review list --state returned --json""",
    "review approve": """
  inspector-app review approve 3f9a2c --comment "checked on site\"""",
    "review return": """
  inspector-app review return 3f9a2c --comment "photo of the seal is missing\"""",
    "review comments": """
  inspector-app review comments 3f9a2c""",
    "stats": """
  inspector-app stats --month 2025-06
  inspector-app stats --from 2025-01-01 --to 2025-06-30 --city 合肥市 --json
  inspector-app stats --campaign 集贸市场专项 --kind market --json""",
    "export-list": """
  inspector-app export-list -o failures.xlsx --verdict fail --from 2025-01-01
  inspector-app export-list -o queue.csv --queue pending""",
    "rules": """
  inspector-app rules list --date 2024-04-30
  inspector-app rules show "JJG 443-2023"
  inspector-app rules export -o rule-data.json""",
    "rules list": """
  inspector-app rules list
  inspector-app rules list --family scale --date 2027-01-08 --json""",
    "rules show": """
  inspector-app rules show "JJG 952-2014"
  inspector-app rules show "OIML R 117-1" --json""",
    "forms": """
  inspector-app forms list
  inspector-app forms show scale --toml > scale.toml
  inspector-app forms publish scale scale.toml --reason 新增检查项：明码标价""",
    "forms list": """
  inspector-app forms list
  inspector-app forms list --family scale --json""",
    "forms show": """
  inspector-app forms show scale
  inspector-app forms show scale builtin-1 --json
  inspector-app forms show scale --toml > scale.toml""",
    "forms publish": """
  inspector-app forms publish scale scale.toml --reason "新增检查项：明码标价"
  inspector-app forms publish scale scale.toml --reason "price sign item" --form-version 2027-1""",
    "rules export": """
  inspector-app rules export -o rule-data.json
  inspector-app rules export --family focimeter --all""",
    "case": """
  inspector-app case new --from-inspection 3f9a2c --officer 张伟:34010001 --officer 李娜:34010002
  inspector-app case list --overdue
  inspector-app case show 2025-0001 --json""",
    "case new": """
  inspector-app case new --from-inspection 3f9a2c --officer 张伟:34010001 --officer 李娜:34010002
  inspector-app case new --from-visit 7b1e04 --officer 张伟:34010001 --officer 李娜:34010002 --violated jmsc-2025-trader-duties
  inspector-app case new --complaint "称重短秤" --party 王芳 --id-number 11010519491231002X --officer 张伟:34010001 --officer 李娜:34010002""",
    "case list": """
  inspector-app case list
  inspector-app case list --overdue --json""",
    "case show": """
  inspector-app case show 2025-0001
  inspector-app case show 2025-0001 --json""",
    "case file": """
  inspector-app case file 2025-0001 --on 2025-03-05 --violated jlf-2018-9""",
    "case investigate": """
  inspector-app case investigate 2025-0001 --on 2025-03-10""",
    "case notify": """
  inspector-app case notify 2025-0001 --on 2025-03-12 --penalty jlfsxz-2022-48 --service direct""",
    "case pause": """
  inspector-app case pause 2025-0001 --from 2025-03-13 --to 2025-03-20 --reason 送检""",
    "case order": """
  inspector-app case order 2025-0001 --days 7
  inspector-app case order 2025-0001 --deadline 2025-03-20 --text 停止使用作弊计价秤 --inspector 李娜""",
    "case check": """
  inspector-app case check 2025-0001 --corrected yes --visit 9c2d11""",
    "case decide": """
  inspector-app case decide 2025-0001 --penalty jlfsxz-2022-48 --fine 2000 --confiscate instrument --order
  inspector-app case decide 2025-0001 --fine 2000 --order --days 15 --text 更换合格的计价秤
  inspector-app case decide 2025-0002 --simple --warning --penalty jlfsxz-2022-43""",
    "case execute": """
  inspector-app case execute 2025-0001 --paid-on 2025-03-28""",
    "case close": """
  inspector-app case close 2025-0001
  inspector-app case close 2025-0003 --reason 首违轻微及时改正不予立案""",
    "case evidence": """
  inspector-app case evidence 2025-0001 --kind photo --ref 3b7e…sha256 --note 作弊按键""",
    "case document": """
  inspector-app case document 2025-0001 -o 责令改正通知书.pdf --sign --passphrase-file ~/.pass
  inspector-app case document 2025-0001 -o order.pdf --lang en
  inspector-app case document 2025-0001 --kind filing -o 立案审批表.pdf""",
    "case articles": """
  inspector-app case articles
  inspector-app case articles --json""",
    "case calendar": """
  inspector-app case calendar cn_workdays.toml""",
    "visit": """
  inspector-app visit new --market 周谷堆市场 --kind campaign --officer 张伟:34010001 --officer 李娜:34010002
  inspector-app visit sweep 3f9a2c --file rows.csv
  inspector-app visit finalize 3f9a2c --rest-ok""",
    "visit new": """
  inspector-app visit new --premises 3f9a2c1d-... --officer 张伟:34010001
  inspector-app visit new --market 周谷堆市场 --kind campaign --campaign 集贸市场专项 --officer 张伟:34010001 --officer 李娜:34010002 --json""",
    "visit list": """
  inspector-app visit list --from 2026-01-01 --kind campaign
  inspector-app visit list --status draft --json""",
    "visit show": """
  inspector-app visit show 3f9a2c
  inspector-app visit show 3f9a2c --lang en --json""",
    "visit sweep": """
  inspector-app visit sweep 3f9a2c --file rows.csv
  inspector-app visit sweep 3f9a2c --file rows.csv --rest-ok --json""",
    "visit duties": """
  inspector-app visit duties 3f9a2c fair_scale=no instrument_register=yes""",
    "visit finalize": """
  inspector-app visit finalize 3f9a2c
  inspector-app visit finalize 3f9a2c --rest-ok --json""",
    "campaign": """
  inspector-app campaign new 集贸市场专项 --from 2026-03-01 --to 2026-11-30 --kind market
  inspector-app campaign assign 集贸市场专项 --inspector 张伟 --market 周谷堆市场 --due 2026-06-30""",
    "campaign new": """
  inspector-app campaign new 眼镜制配专项 --from 2026-03-01 --to 2026-11-30 --kind optical_shop --region 合肥市 --focus 验光仪""",
    "campaign list": """
  inspector-app campaign list
  inspector-app campaign list --json""",
    "campaign show": """
  inspector-app campaign show 集贸市场专项
  inspector-app campaign show 集贸市场专项 --json""",
    "campaign progress": """
  inspector-app campaign progress 集贸市场专项
  inspector-app campaign progress 集贸市场专项 --json""",
    "campaign report": """
  inspector-app campaign report 集贸市场专项 -o 集贸市场专项.pdf
  inspector-app campaign report 眼镜制配专项 -o eyeglass-campaign.pdf --lang en --sign --passphrase-file ~/.pass""",
    "campaign assign": """
  inspector-app campaign assign 集贸市场专项 --inspector 张伟 --market 周谷堆市场
  inspector-app campaign assign 眼镜制配专项 --inspector 李娜 --premises 3f9a2c1d-... --due 2026-06-30""",
    "rules check": """
  inspector-app rules check rule-data.json
  inspector-app rules check rule-data.json --json""",
    "rules override": """
  inspector-app rules override rule-data.json --reason "JJG 952-2014 5.2, published text p. 3"
  inspector-app rules override rule-data.json --reason "JJG 1204-2025 Table 3" --passphrase-file ~/.pass --json""",
    "rules versions": """
  inspector-app rules versions
  inspector-app rules versions --json""",
}


def example_lines(path: str) -> list[str]:
    """The lines of one entry, as shown (a line may end with a ``# comment``)."""
    return [line.strip() for line in EXAMPLES.get(path, "").strip("\n").splitlines()]


class HelpFormatter(argparse.HelpFormatter):
    """Wraps descriptions like argparse does, but keeps an example block as written."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if text.startswith("examples:\n"):
            return "\n".join(indent + line for line in text.splitlines())
        return super()._fill_text(text, width, indent)


def add_examples(parser: argparse.ArgumentParser, path: str = "") -> None:
    """Give *parser* and every sub-command under it its examples as the epilog, and a
    sub-command without a description the one-line help its parent lists it with."""
    if path in EXAMPLES and not parser.epilog:
        parser.epilog = "examples:\n" + EXAMPLES[path].strip("\n")
        parser.formatter_class = HelpFormatter
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {a.dest: a.help for a in action._choices_actions}
            for name, child in action.choices.items():
                text = helps.get(name)
                if not child.description and text:
                    child.description = text[:1].upper() + text[1:] + "."
                add_examples(child, f"{path} {name}".strip())
