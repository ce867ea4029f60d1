"""The words of Tools → Keys and trust: the kinds of trusted certificate, the signing-key
errors of ``crypto.keys`` (one English sentence each) in the interface language, and a
fingerprint grouped by four for reading aloud."""

from __future__ import annotations

KIND_TEXT = {
    "certificate": "Certificate",
    "inspector": "Inspector",
    "supervisor": "Supervisor",
    "ca": "Certification authority (CA)",
    "office": "Office",
}

# crypto.keys messages (one sentence each) in Chinese
_KEY_MESSAGES = {
    "the name must have 1 to 64 characters": "姓名须为 1 到 64 个字符",
    "the file is not an X.509 certificate (PEM or DER)": "该文件不是 X.509 证书（PEM 或 DER）",
    "the PKCS#12 file could not be opened (wrong password or not a PKCS#12 file)": "无法打开 PKCS#12 文件（密码错误或文件格式不对）",
    "the PKCS#12 file holds no private key with its certificate": "该 PKCS#12 文件中没有私钥及其证书",
    "only EC and RSA keys are supported": "只支持 EC 和 RSA 密钥",
    "the passphrase is wrong": "口令不正确",
    "the key file and the certificate do not belong together": "密钥文件与证书不匹配",
}
# messages that name a file: (English start, Chinese text with {rest})
_KEY_PREFIXES = (
    ("the private key file ", "私钥文件 {rest}"),
    ("the certificate file ", "证书文件 {rest}"),
    ("no signing identity yet", "本机尚无签名身份；请在“密钥与信任”中创建"),
)


def key_message(exc: Exception) -> str:
    """A crypto.keys error in the interface language."""
    from ..i18n import current_language

    text = str(exc)
    if current_language() != "zh":
        return text
    if text in _KEY_MESSAGES:
        return _KEY_MESSAGES[text]
    for start, zh in _KEY_PREFIXES:
        if text.startswith(start):
            rest = text[len(start) :]
            for en, cn in (
                (" is missing", " 不存在"),
                (" is damaged", " 已损坏"),
                (
                    " is not encrypted, and an unencrypted signing key is never used",
                    " 未加密；未加密的签名密钥一律不予使用",
                ),
                (
                    "; restore it from a backup or create a new identity with",
                    "；请从备份恢复，或用以下命令创建新身份：",
                ),
                (" (create a new identity with", "（用以下命令创建新身份："),
            ):
                rest = rest.replace(en, cn)
            return zh.format(rest=rest)
    return text


def group_fingerprint(fp: str) -> str:
    """``ab12cd34…`` → ``AB12 CD34 …`` (easier to compare by voice on the phone)."""
    fp = fp.upper()
    return " ".join(fp[i : i + 4] for i in range(0, len(fp), 4))
