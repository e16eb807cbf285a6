"""The tuning block of the README's worked example (allow list, deny list, a custom recognizer with a Luhn
check, context words), shared by the unit tests and the stream test that apply it. All values synthetic."""

TUNING = """\
tuning:
  allow_list:
    - value: "0755-8392 0000"
      entities: [PHONE_NUMBER]
  deny_list:
    - entity: CASE_CODE
      category: health
      terms: ["Project Nightingale"]
  recognizers:
    - entity: MEMBER_NUMBER
      category: financial_account
      pattern: 'MB\\d{8}'
      validator: luhn
      score: 0.5
      context: [member, 会员]
  context:
    PHONE_NUMBER: [after_hours, 夜间]
"""
