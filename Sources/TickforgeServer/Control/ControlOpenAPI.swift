/// The control API's OpenAPI 3.1 document, served at `GET /control/openapi.json`. A copy of
/// `docs/control-openapi.json` made by `scripts/embed_openapi.py`; a test keeps the two equal.
enum ControlOpenAPI {
    static let document = #"""
{
  "openapi": "3.1.0",
  "info": {
    "title": "Tickforge control API",
    "version": "0.5.0",
    "description": "Scenarios on the market's timeline and the market clock. Every scenario is stamped with the market time it takes effect at, so nothing already sent changes and `GET /control/timeline` reproduces the session. Loopback peers only, unless the server was started with `--control-token`."
  },
  "servers": [
    {
      "url": "http://127.0.0.1:8765"
    }
  ],
  "components": {
    "schemas": {
      "Error": {
        "type": "object",
        "required": [
          "error"
        ],
        "properties": {
          "error": {
            "type": "string"
          }
        }
      },
      "ScenarioRequest": {
        "oneOf": [
          {
            "title": "halt",
            "description": "Trading stops, quotes are flagged, then a reopening print with the listing market's condition.",
            "type": "object",
            "properties": {
              "kind": {
                "const": "halt"
              },
              "id": {
                "type": "string",
                "pattern": "^[A-Za-z0-9._-]{1,40}$",
                "description": "Optional; given as `s1`, `s2`, … when absent."
              },
              "at": {
                "type": "string",
                "description": "When it takes effect: an instant (see `jumpTo`), or relative to now (or to a script's `start`) such as `+30s`, `+5m`. Absent: now. Never before the market's current time.",
                "examples": [
                  "+30s"
                ]
              },
              "endedAt": {
                "type": "string",
                "description": "When a scenario of a saved timeline was ended early (scripts write it).",
                "examples": [
                  "2026-11-23T15:59:30-05:00"
                ]
              },
              "symbol": {
                "type": "string",
                "minLength": 1,
                "maxLength": 16,
                "description": "A ticker of the market's universe.",
                "examples": [
                  "AAPL"
                ]
              },
              "for": {
                "oneOf": [
                  {
                    "type": "string",
                    "pattern": "^([0-9.]+(ms|s|m|h|d))+$|^[0-9.]+$",
                    "examples": [
                      "5m",
                      "6h30m"
                    ]
                  },
                  {
                    "type": "number",
                    "exclusiveMinimum": 0,
                    "maximum": 31622400
                  }
                ],
                "description": "How long it lasts (`500ms`, `90s`, `5m`, `1h`, `2d`, or seconds), up to a year. Absent: until it is ended."
              },
              "reason": {
                "enum": [
                  "LUDP",
                  "T1",
                  "H10",
                  "M"
                ],
                "description": "Default: `LUDP` for Nasdaq-listed symbols (tape C), `M` for the rest."
              },
              "reopenPercent": {
                "type": "number",
                "minimum": -90,
                "maximum": 1000,
                "description": "How far from the last price the reopening print is."
              }
            },
            "required": [
              "kind",
              "symbol"
            ],
            "additionalProperties": false
          },
          {
            "title": "resume",
            "description": "Ends the symbol's halts in force at `at` (early).",
            "type": "object",
            "properties": {
              "kind": {
                "const": "resume"
              },
              "id": {
                "type": "string",
                "pattern": "^[A-Za-z0-9._-]{1,40}$",
                "description": "Optional; given as `s1`, `s2`, … when absent."
              },
              "at": {
                "type": "string",
                "description": "When it takes effect: an instant (see `jumpTo`), or relative to now (or to a script's `start`) such as `+30s`, `+5m`. Absent: now. Never before the market's current time.",
                "examples": [
                  "+30s"
                ]
              },
              "endedAt": {
                "type": "string",
                "description": "When a scenario of a saved timeline was ended early (scripts write it).",
                "examples": [
                  "2026-11-23T15:59:30-05:00"
                ]
              },
              "symbol": {
                "type": "string",
                "minLength": 1,
                "maxLength": 16,
                "description": "A ticker of the market's universe.",
                "examples": [
                  "AAPL"
                ]
              }
            },
            "required": [
              "kind",
              "symbol"
            ],
            "additionalProperties": false
          },
          {
            "title": "gap",
            "description": "The path moves by `percent` or to `price` (exactly one) and carries on from there.",
            "type": "object",
            "properties": {
              "kind": {
                "const": "gap"
              },
              "id": {
                "type": "string",
                "pattern": "^[A-Za-z0-9._-]{1,40}$",
                "description": "Optional; given as `s1`, `s2`, … when absent."
              },
              "at": {
                "type": "string",
                "description": "When it takes effect: an instant (see `jumpTo`), or relative to now (or to a script's `start`) such as `+30s`, `+5m`. Absent: now. Never before the market's current time.",
                "examples": [
                  "+30s"
                ]
              },
              "endedAt": {
                "type": "string",
                "description": "When a scenario of a saved timeline was ended early (scripts write it).",
                "examples": [
                  "2026-11-23T15:59:30-05:00"
                ]
              },
              "symbol": {
                "type": "string",
                "minLength": 1,
                "maxLength": 16,
                "description": "A ticker of the market's universe.",
                "examples": [
                  "AAPL"
                ]
              },
              "for": {
                "oneOf": [
                  {
                    "type": "string",
                    "pattern": "^([0-9.]+(ms|s|m|h|d))+$|^[0-9.]+$",
                    "examples": [
                      "5m",
                      "6h30m"
                    ]
                  },
                  {
                    "type": "number",
                    "exclusiveMinimum": 0,
                    "maximum": 31622400
                  }
                ],
                "description": "How long it lasts (`500ms`, `90s`, `5m`, `1h`, `2d`, or seconds), up to a year. Absent: until it is ended."
              },
              "percent": {
                "type": "number",
                "minimum": -99,
                "maximum": 10000
              },
              "price": {
                "type": "number",
                "minimum": 0.0001,
                "maximum": 100000
              }
            },
            "required": [
              "kind",
              "symbol"
            ],
            "additionalProperties": false
          },
          {
            "title": "volatility",
            "description": "Price moves grow by this factor.",
            "type": "object",
            "properties": {
              "kind": {
                "const": "volatility"
              },
              "id": {
                "type": "string",
                "pattern": "^[A-Za-z0-9._-]{1,40}$",
                "description": "Optional; given as `s1`, `s2`, … when absent."
              },
              "at": {
                "type": "string",
                "description": "When it takes effect: an instant (see `jumpTo`), or relative to now (or to a script's `start`) such as `+30s`, `+5m`. Absent: now. Never before the market's current time.",
                "examples": [
                  "+30s"
                ]
              },
              "endedAt": {
                "type": "string",
                "description": "When a scenario of a saved timeline was ended early (scripts write it).",
                "examples": [
                  "2026-11-23T15:59:30-05:00"
                ]
              },
              "symbol": {
                "type": "string",
                "minLength": 1,
                "maxLength": 16,
                "description": "A ticker of the market's universe.",
                "examples": [
                  "AAPL"
                ]
              },
              "for": {
                "oneOf": [
                  {
                    "type": "string",
                    "pattern": "^([0-9.]+(ms|s|m|h|d))+$|^[0-9.]+$",
                    "examples": [
                      "5m",
                      "6h30m"
                    ]
                  },
                  {
                    "type": "number",
                    "exclusiveMinimum": 0,
                    "maximum": 31622400
                  }
                ],
                "description": "How long it lasts (`500ms`, `90s`, `5m`, `1h`, `2d`, or seconds), up to a year. Absent: until it is ended."
              },
              "multiplier": {
                "type": "number",
                "minimum": 0.01,
                "maximum": 100
              }
            },
            "required": [
              "kind",
              "symbol",
              "multiplier"
            ],
            "additionalProperties": false
          },
          {
            "title": "liquidity",
            "description": "Trades and quotes come this many times as often.",
            "type": "object",
            "properties": {
              "kind": {
                "const": "liquidity"
              },
              "id": {
                "type": "string",
                "pattern": "^[A-Za-z0-9._-]{1,40}$",
                "description": "Optional; given as `s1`, `s2`, … when absent."
              },
              "at": {
                "type": "string",
                "description": "When it takes effect: an instant (see `jumpTo`), or relative to now (or to a script's `start`) such as `+30s`, `+5m`. Absent: now. Never before the market's current time.",
                "examples": [
                  "+30s"
                ]
              },
              "endedAt": {
                "type": "string",
                "description": "When a scenario of a saved timeline was ended early (scripts write it).",
                "examples": [
                  "2026-11-23T15:59:30-05:00"
                ]
              },
              "symbol": {
                "type": "string",
                "minLength": 1,
                "maxLength": 16,
                "description": "A ticker of the market's universe.",
                "examples": [
                  "AAPL"
                ]
              },
              "for": {
                "oneOf": [
                  {
                    "type": "string",
                    "pattern": "^([0-9.]+(ms|s|m|h|d))+$|^[0-9.]+$",
                    "examples": [
                      "5m",
                      "6h30m"
                    ]
                  },
                  {
                    "type": "number",
                    "exclusiveMinimum": 0,
                    "maximum": 31622400
                  }
                ],
                "description": "How long it lasts (`500ms`, `90s`, `5m`, `1h`, `2d`, or seconds), up to a year. Absent: until it is ended."
              },
              "multiplier": {
                "type": "number",
                "minimum": 0.01,
                "maximum": 100
              }
            },
            "required": [
              "kind",
              "symbol",
              "multiplier"
            ],
            "additionalProperties": false
          },
          {
            "title": "burst",
            "description": "Liquidity ×10 (or `multiplier`) for 10 s (or `for`).",
            "type": "object",
            "properties": {
              "kind": {
                "const": "burst"
              },
              "id": {
                "type": "string",
                "pattern": "^[A-Za-z0-9._-]{1,40}$",
                "description": "Optional; given as `s1`, `s2`, … when absent."
              },
              "at": {
                "type": "string",
                "description": "When it takes effect: an instant (see `jumpTo`), or relative to now (or to a script's `start`) such as `+30s`, `+5m`. Absent: now. Never before the market's current time.",
                "examples": [
                  "+30s"
                ]
              },
              "endedAt": {
                "type": "string",
                "description": "When a scenario of a saved timeline was ended early (scripts write it).",
                "examples": [
                  "2026-11-23T15:59:30-05:00"
                ]
              },
              "symbol": {
                "type": "string",
                "minLength": 1,
                "maxLength": 16,
                "description": "A ticker of the market's universe.",
                "examples": [
                  "AAPL"
                ]
              },
              "for": {
                "oneOf": [
                  {
                    "type": "string",
                    "pattern": "^([0-9.]+(ms|s|m|h|d))+$|^[0-9.]+$",
                    "examples": [
                      "5m",
                      "6h30m"
                    ]
                  },
                  {
                    "type": "number",
                    "exclusiveMinimum": 0,
                    "maximum": 31622400
                  }
                ],
                "description": "How long it lasts (`500ms`, `90s`, `5m`, `1h`, `2d`, or seconds), up to a year. Absent: until it is ended."
              },
              "multiplier": {
                "type": "number",
                "minimum": 0.01,
                "maximum": 100
              }
            },
            "required": [
              "kind",
              "symbol"
            ],
            "additionalProperties": false
          },
          {
            "title": "trend",
            "description": "A steady drift.",
            "type": "object",
            "properties": {
              "kind": {
                "const": "trend"
              },
              "id": {
                "type": "string",
                "pattern": "^[A-Za-z0-9._-]{1,40}$",
                "description": "Optional; given as `s1`, `s2`, … when absent."
              },
              "at": {
                "type": "string",
                "description": "When it takes effect: an instant (see `jumpTo`), or relative to now (or to a script's `start`) such as `+30s`, `+5m`. Absent: now. Never before the market's current time.",
                "examples": [
                  "+30s"
                ]
              },
              "endedAt": {
                "type": "string",
                "description": "When a scenario of a saved timeline was ended early (scripts write it).",
                "examples": [
                  "2026-11-23T15:59:30-05:00"
                ]
              },
              "symbol": {
                "type": "string",
                "minLength": 1,
                "maxLength": 16,
                "description": "A ticker of the market's universe.",
                "examples": [
                  "AAPL"
                ]
              },
              "for": {
                "oneOf": [
                  {
                    "type": "string",
                    "pattern": "^([0-9.]+(ms|s|m|h|d))+$|^[0-9.]+$",
                    "examples": [
                      "5m",
                      "6h30m"
                    ]
                  },
                  {
                    "type": "number",
                    "exclusiveMinimum": 0,
                    "maximum": 31622400
                  }
                ],
                "description": "How long it lasts (`500ms`, `90s`, `5m`, `1h`, `2d`, or seconds), up to a year. Absent: until it is ended."
              },
              "percentPerHour": {
                "type": "number",
                "minimum": -99,
                "maximum": 1000
              }
            },
            "required": [
              "kind",
              "symbol",
              "percentPerHour"
            ],
            "additionalProperties": false
          },
          {
            "title": "stale",
            "description": "The symbol sends nothing at all, and no status says why.",
            "type": "object",
            "properties": {
              "kind": {
                "const": "stale"
              },
              "id": {
                "type": "string",
                "pattern": "^[A-Za-z0-9._-]{1,40}$",
                "description": "Optional; given as `s1`, `s2`, … when absent."
              },
              "at": {
                "type": "string",
                "description": "When it takes effect: an instant (see `jumpTo`), or relative to now (or to a script's `start`) such as `+30s`, `+5m`. Absent: now. Never before the market's current time.",
                "examples": [
                  "+30s"
                ]
              },
              "endedAt": {
                "type": "string",
                "description": "When a scenario of a saved timeline was ended early (scripts write it).",
                "examples": [
                  "2026-11-23T15:59:30-05:00"
                ]
              },
              "symbol": {
                "type": "string",
                "minLength": 1,
                "maxLength": 16,
                "description": "A ticker of the market's universe.",
                "examples": [
                  "AAPL"
                ]
              },
              "for": {
                "oneOf": [
                  {
                    "type": "string",
                    "pattern": "^([0-9.]+(ms|s|m|h|d))+$|^[0-9.]+$",
                    "examples": [
                      "5m",
                      "6h30m"
                    ]
                  },
                  {
                    "type": "number",
                    "exclusiveMinimum": 0,
                    "maximum": 31622400
                  }
                ],
                "description": "How long it lasts (`500ms`, `90s`, `5m`, `1h`, `2d`, or seconds), up to a year. Absent: until it is ended."
              }
            },
            "required": [
              "kind",
              "symbol"
            ],
            "additionalProperties": false
          },
          {
            "title": "session",
            "description": "The whole market in a forced phase, or back to a mode.",
            "type": "object",
            "properties": {
              "kind": {
                "const": "session"
              },
              "id": {
                "type": "string",
                "pattern": "^[A-Za-z0-9._-]{1,40}$",
                "description": "Optional; given as `s1`, `s2`, … when absent."
              },
              "at": {
                "type": "string",
                "description": "When it takes effect: an instant (see `jumpTo`), or relative to now (or to a script's `start`) such as `+30s`, `+5m`. Absent: now. Never before the market's current time.",
                "examples": [
                  "+30s"
                ]
              },
              "endedAt": {
                "type": "string",
                "description": "When a scenario of a saved timeline was ended early (scripts write it).",
                "examples": [
                  "2026-11-23T15:59:30-05:00"
                ]
              },
              "for": {
                "oneOf": [
                  {
                    "type": "string",
                    "pattern": "^([0-9.]+(ms|s|m|h|d))+$|^[0-9.]+$",
                    "examples": [
                      "5m",
                      "6h30m"
                    ]
                  },
                  {
                    "type": "number",
                    "exclusiveMinimum": 0,
                    "maximum": 31622400
                  }
                ],
                "description": "How long it lasts (`500ms`, `90s`, `5m`, `1h`, `2d`, or seconds), up to a year. Absent: until it is ended."
              },
              "phase": {
                "enum": [
                  "open",
                  "closed",
                  "pre",
                  "after",
                  "calendar",
                  "always-open"
                ]
              }
            },
            "required": [
              "kind",
              "phase"
            ],
            "additionalProperties": false
          },
          {
            "title": "push",
            "description": "One exact trade (`price`, `size` required) or quote (`bid`, `ask` required), delivered as given and counted in bars.",
            "type": "object",
            "properties": {
              "kind": {
                "const": "push"
              },
              "id": {
                "type": "string",
                "pattern": "^[A-Za-z0-9._-]{1,40}$",
                "description": "Optional; given as `s1`, `s2`, … when absent."
              },
              "at": {
                "type": "string",
                "description": "When it takes effect: an instant (see `jumpTo`), or relative to now (or to a script's `start`) such as `+30s`, `+5m`. Absent: now. Never before the market's current time.",
                "examples": [
                  "+30s"
                ]
              },
              "endedAt": {
                "type": "string",
                "description": "When a scenario of a saved timeline was ended early (scripts write it).",
                "examples": [
                  "2026-11-23T15:59:30-05:00"
                ]
              },
              "symbol": {
                "type": "string",
                "minLength": 1,
                "maxLength": 16,
                "description": "A ticker of the market's universe.",
                "examples": [
                  "AAPL"
                ]
              },
              "event": {
                "enum": [
                  "trade",
                  "quote"
                ]
              },
              "price": {
                "type": "number",
                "minimum": 0.0001,
                "maximum": 100000
              },
              "size": {
                "type": "integer",
                "minimum": 1,
                "maximum": 100000
              },
              "exchange": {
                "type": "integer",
                "minimum": 1,
                "maximum": 255
              },
              "conditions": {
                "type": "array",
                "maxItems": 4,
                "items": {
                  "type": "integer",
                  "minimum": 0,
                  "maximum": 255
                }
              },
              "bid": {
                "type": "number",
                "minimum": 0.0001,
                "maximum": 100000
              },
              "ask": {
                "type": "number",
                "minimum": 0.0001,
                "maximum": 100000
              },
              "bidSize": {
                "type": "integer",
                "minimum": 1,
                "maximum": 100000
              },
              "askSize": {
                "type": "integer",
                "minimum": 1,
                "maximum": 100000
              },
              "bidExchange": {
                "type": "integer",
                "minimum": 1,
                "maximum": 255
              },
              "askExchange": {
                "type": "integer",
                "minimum": 1,
                "maximum": 255
              },
              "moveMarket": {
                "type": "boolean",
                "description": "Also move the path to the pushed price."
              }
            },
            "required": [
              "kind",
              "symbol",
              "event"
            ],
            "additionalProperties": false
          },
          {
            "title": "cancel",
            "description": "Alpaca's cancel (`x`) of an earlier trade. Polygon's stream has none.",
            "type": "object",
            "properties": {
              "kind": {
                "const": "cancel"
              },
              "id": {
                "type": "string",
                "pattern": "^[A-Za-z0-9._-]{1,40}$",
                "description": "Optional; given as `s1`, `s2`, … when absent."
              },
              "at": {
                "type": "string",
                "description": "When it takes effect: an instant (see `jumpTo`), or relative to now (or to a script's `start`) such as `+30s`, `+5m`. Absent: now. Never before the market's current time.",
                "examples": [
                  "+30s"
                ]
              },
              "endedAt": {
                "type": "string",
                "description": "When a scenario of a saved timeline was ended early (scripts write it).",
                "examples": [
                  "2026-11-23T15:59:30-05:00"
                ]
              },
              "symbol": {
                "type": "string",
                "minLength": 1,
                "maxLength": 16,
                "description": "A ticker of the market's universe.",
                "examples": [
                  "AAPL"
                ]
              },
              "tradeId": {
                "oneOf": [
                  {
                    "type": "string",
                    "pattern": "^[0-9]+$"
                  },
                  {
                    "type": "integer",
                    "minimum": 1
                  }
                ],
                "description": "The id of an earlier trade of the symbol (Alpaca's `i`)."
              }
            },
            "required": [
              "kind",
              "symbol",
              "tradeId"
            ],
            "additionalProperties": false
          },
          {
            "title": "correction",
            "description": "Alpaca's correction (`c`) of an earlier trade: a new `price`, `size`, or both.",
            "type": "object",
            "properties": {
              "kind": {
                "const": "correction"
              },
              "id": {
                "type": "string",
                "pattern": "^[A-Za-z0-9._-]{1,40}$",
                "description": "Optional; given as `s1`, `s2`, … when absent."
              },
              "at": {
                "type": "string",
                "description": "When it takes effect: an instant (see `jumpTo`), or relative to now (or to a script's `start`) such as `+30s`, `+5m`. Absent: now. Never before the market's current time.",
                "examples": [
                  "+30s"
                ]
              },
              "endedAt": {
                "type": "string",
                "description": "When a scenario of a saved timeline was ended early (scripts write it).",
                "examples": [
                  "2026-11-23T15:59:30-05:00"
                ]
              },
              "symbol": {
                "type": "string",
                "minLength": 1,
                "maxLength": 16,
                "description": "A ticker of the market's universe.",
                "examples": [
                  "AAPL"
                ]
              },
              "tradeId": {
                "oneOf": [
                  {
                    "type": "string",
                    "pattern": "^[0-9]+$"
                  },
                  {
                    "type": "integer",
                    "minimum": 1
                  }
                ],
                "description": "The id of an earlier trade of the symbol (Alpaca's `i`)."
              },
              "price": {
                "type": "number",
                "minimum": 0.0001,
                "maximum": 100000
              },
              "size": {
                "type": "integer",
                "minimum": 1,
                "maximum": 100000
              }
            },
            "required": [
              "kind",
              "symbol",
              "tradeId"
            ],
            "additionalProperties": false
          },
          {
            "title": "limit",
            "description": "Drives the price to its LULD band in 10 s, holds it 15 s, then a 5-minute LUDP pause (`<id>-pause`).",
            "type": "object",
            "properties": {
              "kind": {
                "const": "limit"
              },
              "id": {
                "type": "string",
                "pattern": "^[A-Za-z0-9._-]{1,40}$",
                "description": "Optional; given as `s1`, `s2`, … when absent."
              },
              "at": {
                "type": "string",
                "description": "When it takes effect: an instant (see `jumpTo`), or relative to now (or to a script's `start`) such as `+30s`, `+5m`. Absent: now. Never before the market's current time.",
                "examples": [
                  "+30s"
                ]
              },
              "endedAt": {
                "type": "string",
                "description": "When a scenario of a saved timeline was ended early (scripts write it).",
                "examples": [
                  "2026-11-23T15:59:30-05:00"
                ]
              },
              "symbol": {
                "type": "string",
                "minLength": 1,
                "maxLength": 16,
                "description": "A ticker of the market's universe.",
                "examples": [
                  "AAPL"
                ]
              },
              "direction": {
                "enum": [
                  "up",
                  "down"
                ]
              }
            },
            "required": [
              "kind",
              "symbol",
              "direction"
            ],
            "additionalProperties": false
          }
        ]
      },
      "Scenario": {
        "type": "object",
        "required": [
          "id",
          "kind",
          "at",
          "state"
        ],
        "properties": {
          "id": {
            "type": "string"
          },
          "kind": {
            "type": "string"
          },
          "symbol": {
            "type": "string"
          },
          "at": {
            "type": "string"
          },
          "for": {
            "type": "string"
          },
          "until": {
            "type": "string"
          },
          "endedAt": {
            "type": "string"
          },
          "state": {
            "enum": [
              "scheduled",
              "active",
              "ended"
            ]
          }
        },
        "additionalProperties": true,
        "description": "A scenario as stored: its request's fields with `at` absolute, `until` its end, and `state` now."
      },
      "Script": {
        "type": "object",
        "required": [
          "steps"
        ],
        "additionalProperties": false,
        "properties": {
          "start": {
            "type": "string",
            "description": "What relative `at`s count from; default: when the script is loaded.",
            "examples": [
              "2026-11-23T15:59:30-05:00"
            ]
          },
          "steps": {
            "type": "array",
            "description": "At most 10,000 steps (400 beyond), in a body of at most 1 MB (413 beyond). Not a `maxItems`: a body that long is refused for its size first. A step is a scenario or a connection fault, by its kind.",
            "items": {
              "oneOf": [
                {
                  "$ref": "#/components/schemas/ScenarioRequest"
                },
                {
                  "$ref": "#/components/schemas/FaultRequest"
                }
              ]
            }
          }
        }
      },
      "State": {
        "type": "object",
        "required": [
          "marketTime",
          "speed",
          "paused",
          "phase",
          "forcedSession",
          "marketHours",
          "scenarios",
          "connections",
          "version"
        ],
        "properties": {
          "marketTime": {
            "type": "string"
          },
          "speed": {
            "type": "string"
          },
          "paused": {
            "type": "boolean"
          },
          "phase": {
            "enum": [
              "closed",
              "pre-market",
              "regular",
              "after-hours"
            ]
          },
          "forcedSession": {
            "oneOf": [
              {
                "type": "null"
              },
              {
                "enum": [
                  "open",
                  "closed",
                  "pre",
                  "after",
                  "calendar",
                  "always-open"
                ]
              }
            ]
          },
          "marketHours": {
            "enum": [
              "always-open",
              "calendar"
            ]
          },
          "scenarios": {
            "type": "object",
            "required": [
              "scheduled",
              "active",
              "ended"
            ],
            "properties": {
              "scheduled": {
                "type": "integer",
                "minimum": 0
              },
              "active": {
                "type": "integer",
                "minimum": 0
              },
              "ended": {
                "type": "integer",
                "minimum": 0
              }
            }
          },
          "connections": {
            "type": "integer",
            "minimum": 0
          },
          "version": {
            "type": "string"
          }
        }
      },
      "Connection": {
        "type": "object",
        "required": [
          "id",
          "dialect",
          "path",
          "key",
          "remote",
          "connectedAt",
          "authenticated",
          "subscriptions",
          "framesSent",
          "bytesSent",
          "backlogFrames",
          "backlogBytes",
          "faults"
        ],
        "additionalProperties": false,
        "properties": {
          "id": {
            "type": "string",
            "description": "`c` and a number, e.g. `c3`: what faults and the journal name it by.",
            "examples": [
              "c3"
            ]
          },
          "dialect": {
            "enum": [
              "polygon",
              "alpaca"
            ]
          },
          "path": {
            "type": "string",
            "examples": [
              "/stocks",
              "/v2/iex"
            ]
          },
          "key": {
            "type": [
              "string",
              "null"
            ],
            "description": "The key it authenticated with, or last tried; null before any."
          },
          "remote": {
            "type": "string",
            "description": "The peer's address and port."
          },
          "connectedAt": {
            "type": "string",
            "description": "Wall-clock time of the upgrade, RFC 3339 UTC."
          },
          "authenticated": {
            "type": "boolean"
          },
          "subscriptions": {
            "type": "object",
            "description": "Symbols by channel, in the dialect's own words: Polygon's `T`, `Q`, `A`, `AM`, `LULD`; Alpaca's `trades`, `quotes`, `bars`, `dailyBars`, `statuses`, `lulds`, `updatedBars`. `*` is a wildcard.",
            "additionalProperties": {
              "type": "array",
              "items": {
                "type": "string"
              }
            },
            "examples": [
              {
                "T": [
                  "AAPL"
                ],
                "Q": [
                  "*"
                ]
              }
            ]
          },
          "framesSent": {
            "type": "integer",
            "minimum": 0,
            "description": "WebSocket messages handed to the socket so far, control messages included."
          },
          "bytesSent": {
            "type": "integer",
            "minimum": 0,
            "description": "Their payload bytes."
          },
          "backlogFrames": {
            "type": "integer",
            "minimum": 0,
            "description": "Messages queued and not yet handed to the socket."
          },
          "backlogBytes": {
            "type": "integer",
            "minimum": 0,
            "description": "Their bytes: a slow reader's backlog grows here, up to the slow-consumer bound."
          },
          "faults": {
            "type": "array",
            "items": {
              "type": "string"
            },
            "description": "The lasting faults acting on it now (mute, slow, latency, disconnect-after), by id."
          }
        }
      },
      "FaultRequest": {
        "type": "object",
        "required": [
          "kind"
        ],
        "additionalProperties": false,
        "description": "At most one target: `connections` (\"all\" or ids), or a selector (`dialect`, `path`, `key`). Faults on open connections (drop, close, mute, slow, latency, disconnect-after) need one; reject, auth-fail and connection-limit reach every connection without one. A fault takes effect at `at` (default now); a lasting one ends after `for`, or by DELETE /control/faults/{id}.",
        "properties": {
          "kind": {
            "enum": [
              "drop",
              "close",
              "mute",
              "slow",
              "latency",
              "disconnect-after",
              "reject",
              "auth-fail",
              "connection-limit"
            ],
            "description": "`drop`: a TCP reset with no close frame, as the vendors' servers drop a connection. `close`: a close frame with `code` and `reason`, then the TCP close. `mute`: the connection stays open and answers pings, but is sent nothing (no data, acknowledgements or statuses) until the fault ends. `slow`: at most `bytesPerSecond` to each connection; the backlog grows into the dialect's slow-consumer path (`slow_consumer` on Polygon, 407 on Alpaca). `latency`: each frame held `ms` ± `jitterMs` after it was queued; the jitter is drawn from `seed`, so runs repeat. `disconnect-after`: each connection it reaches is dropped (a reset) `seconds` after it authenticates, and again after every reconnect, while the fault lasts. `reject`: the next `count` upgrade requests are answered with HTTP `status` (429 or 503) and no upgrade. `auth-fail`: the next `count` authentications fail with the dialect's own failure (`auth_failed` then a reset on Polygon; error 402 on Alpaca), even with a valid key. `connection-limit`: the connections one key may hold while it lasts: Polygon evicts the oldest (`max_connections`), Alpaca refuses the newcomer (406)."
          },
          "connections": {
            "oneOf": [
              {
                "const": "all"
              },
              {
                "type": "array",
                "minItems": 1,
                "maxItems": 1000,
                "items": {
                  "type": "string",
                  "pattern": "^c[0-9]+$"
                }
              }
            ],
            "examples": [
              [
                "c3"
              ],
              "all"
            ],
            "description": "A lasting fault aimed at \"all\" or a selector also reaches connections that open or authenticate while it lasts. A reject takes only \"all\" (it acts before there is a connection)."
          },
          "dialect": {
            "enum": [
              "polygon",
              "alpaca"
            ],
            "description": "A selector: every open connection it matches, and for a lasting fault, those that open or authenticate while it lasts."
          },
          "path": {
            "type": "string",
            "minLength": 1,
            "maxLength": 64,
            "examples": [
              "/v2/iex"
            ],
            "description": "A selector: every open connection it matches, and for a lasting fault, those that open or authenticate while it lasts."
          },
          "key": {
            "type": "string",
            "minLength": 1,
            "maxLength": 256,
            "description": "A selector: every open connection it matches, and for a lasting fault, those that open or authenticate while it lasts. Not for a reject: no key is known before the upgrade."
          },
          "code": {
            "type": "integer",
            "minimum": 1000,
            "maximum": 4999,
            "not": {
              "enum": [
                1004,
                1005,
                1006,
                1015
              ]
            },
            "description": "`close` only; default 1011."
          },
          "reason": {
            "type": "string",
            "minLength": 1,
            "maxLength": 123,
            "description": "`close` only: at most 123 bytes of UTF-8."
          },
          "for": {
            "oneOf": [
              {
                "type": "string",
                "examples": [
                  "30s",
                  "5m"
                ]
              },
              {
                "type": "number",
                "exclusiveMinimum": 0
              }
            ],
            "description": "Every kind but drop and close: how long, in market time; without it the fault lasts until DELETE /control/faults/{id} (a reject or auth-fail also ends when its count is used)."
          },
          "id": {
            "type": "string",
            "description": "Ignored: the server names faults f1, f2, …"
          },
          "seconds": {
            "type": "number",
            "minimum": 0.1,
            "maximum": 86400,
            "description": "`disconnect-after` only (and required there): real seconds from authentication to the drop."
          },
          "at": {
            "type": "string",
            "examples": [
              "+30s",
              "2026-11-23T15:59:30-05:00"
            ],
            "description": "When it takes effect, in market time: an instant by Tickforge's time rules, or relative (\"+30s\"; in a script, from its `start`). Default: now. Not before now."
          },
          "bytesPerSecond": {
            "type": "number",
            "minimum": 1,
            "maximum": 1000000000,
            "description": "`slow` only (and required there)."
          },
          "ms": {
            "type": "number",
            "minimum": 0,
            "maximum": 4000,
            "description": "`latency` only (and required there): milliseconds each frame is held; with `jitterMs` at most 4000 in all (a longer hold passes the queue's 5 s age bound: a slow consumer)."
          },
          "jitterMs": {
            "type": "number",
            "minimum": 0,
            "maximum": 4000,
            "description": "`latency` only: up to this many milliseconds more or less, drawn per frame. Default 0."
          },
          "seed": {
            "type": "integer",
            "minimum": 0,
            "maximum": 4294967295,
            "description": "`latency` only: picks the jitter. Default 1."
          },
          "status": {
            "enum": [
              429,
              503
            ],
            "description": "`reject` only: default 429."
          },
          "count": {
            "type": "integer",
            "minimum": 1,
            "maximum": 1000000,
            "description": "`reject` and `auth-fail` only: how many upgrades or authentications it acts on. Default 1."
          },
          "limit": {
            "type": "integer",
            "minimum": 1,
            "maximum": 10000,
            "description": "`connection-limit` only (and required there)."
          },
          "endedAt": {
            "type": "string",
            "description": "As an exported timeline writes it: the fault was called off at this instant, at or before `at`, and never acts."
          }
        }
      },
      "Fault": {
        "type": "object",
        "required": [
          "id",
          "kind",
          "at",
          "state",
          "appliedTo"
        ],
        "additionalProperties": true,
        "description": "A fault as stored: its request's fields, `at` (market time it takes effect), `until` and `endedAt` for a lasting one, `state` now, `used` for a reject or auth-fail, and `appliedTo`, the connections it reached.",
        "properties": {
          "id": {
            "type": "string"
          },
          "kind": {
            "enum": [
              "drop",
              "close",
              "mute",
              "slow",
              "latency",
              "disconnect-after",
              "reject",
              "auth-fail",
              "connection-limit"
            ]
          },
          "at": {
            "type": "string"
          },
          "state": {
            "enum": [
              "scheduled",
              "active",
              "ended"
            ]
          },
          "appliedTo": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "until": {
            "type": "string"
          },
          "endedAt": {
            "type": "string"
          },
          "used": {
            "type": "integer",
            "minimum": 0
          }
        }
      },
      "JournalEntry": {
        "type": "object",
        "required": [
          "seq",
          "time",
          "marketTime",
          "connection",
          "kind"
        ],
        "additionalProperties": true,
        "description": "One thing that happened on one connection, with what its kind says as fields of their own: `upgraded` (dialect, path, remote, headers with credentials hidden, codec), `rejected` (path, status, fault, remote; connection \"-\"), `received` (format text|msgpack, text, bytes, truncated), `authenticated` (key), `refused` (why; Polygon's status, Alpaca's code), `subscribed` and `unsubscribed` (channel, symbol, topic), `fault` (fault, faultKind, state on|off), `dropped` (why: fault, auth-failed, auth-timeout, slow-consumer, evicted, shutdown; and the fault, code, reason), `closed` (by the client, or the read error).",
        "properties": {
          "seq": {
            "type": "integer",
            "minimum": 1
          },
          "time": {
            "type": "string",
            "description": "Wall-clock time it was recorded."
          },
          "marketTime": {
            "type": "string"
          },
          "connection": {
            "type": "string",
            "examples": [
              "c3"
            ]
          },
          "kind": {
            "enum": [
              "upgraded",
              "rejected",
              "received",
              "authenticated",
              "refused",
              "subscribed",
              "unsubscribed",
              "fault",
              "dropped",
              "closed"
            ]
          }
        }
      }
    },
    "responses": {
      "Unauthorized": {
        "description": "A token is set (`--control-token`) and the request did not carry `Authorization: Bearer <token>`.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      },
      "Forbidden": {
        "description": "No token is set and the peer is not on loopback.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      }
    }
  },
  "security": [
    {},
    {
      "bearer": []
    }
  ],
  "paths": {
    "/control/scenarios": {
      "get": {
        "operationId": "listScenarios",
        "summary": "Every scenario of the session, with its state.",
        "responses": {
          "200": {
            "description": "The scenarios.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": [
                    "scenarios"
                  ],
                  "properties": {
                    "scenarios": {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/Scenario"
                      }
                    }
                  }
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          }
        }
      },
      "post": {
        "operationId": "addScenario",
        "summary": "Adds a scenario (a `resume` ends halts instead).",
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/ScenarioRequest"
              }
            }
          }
        },
        "responses": {
          "201": {
            "description": "The stored scenario, with its id.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Scenario"
                }
              }
            }
          },
          "200": {
            "description": "A resume: the halts it ended.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": [
                    "resumed"
                  ],
                  "properties": {
                    "resumed": {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/Scenario"
                      }
                    }
                  }
                }
              }
            }
          },
          "409": {
            "description": "A resume with no halt in force, an id already taken, or a session at its size limit.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "503": {
            "description": "The change could not be stamped before the feed moved on; try again.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "400": {
            "description": "The request is not valid: `error` names the field and what was expected.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "413": {
            "description": "The body is over 1 MB.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        }
      }
    },
    "/control/scenarios/{id}": {
      "delete": {
        "operationId": "endScenario",
        "summary": "Ends a scenario at the current market time.",
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "The scenario, ended.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Scenario"
                }
              }
            }
          },
          "404": {
            "description": "No scenario has this id.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "409": {
            "description": "It happened at one instant (a push, cancel or correction).",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          }
        }
      }
    },
    "/control/reset": {
      "post": {
        "operationId": "reset",
        "summary": "Ends every scenario; the market is the seed's again from now (a price may jump back).",
        "responses": {
          "200": {
            "description": "How many it ended.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": [
                    "ended"
                  ],
                  "properties": {
                    "ended": {
                      "type": "integer",
                      "minimum": 0
                    }
                  }
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          }
        }
      }
    },
    "/control/timeline": {
      "get": {
        "operationId": "timeline",
        "summary": "The session as a script, at absolute market times: load it into a server with the same seed and `--start` to reproduce the run.",
        "responses": {
          "200": {
            "description": "The script.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Script"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          }
        }
      }
    },
    "/control/scripts": {
      "post": {
        "operationId": "loadScript",
        "summary": "Loads a script: every step, or none if one is not valid.",
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/Script"
              }
            },
            "application/yaml": {
              "schema": {
                "$ref": "#/components/schemas/Script"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "What each step did.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": [
                    "loaded"
                  ],
                  "properties": {
                    "loaded": {
                      "type": "array"
                    }
                  }
                }
              }
            }
          },
          "409": {
            "description": "A resume with no halt in force, or an id already taken.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "503": {
            "description": "The change could not be stamped before the feed moved on; try again.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "400": {
            "description": "The request is not valid: `error` names the field and what was expected.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "413": {
            "description": "The body is over 1 MB.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "404": {
            "description": "A fault in the script names a connection that is not open.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        }
      }
    },
    "/control/state": {
      "get": {
        "operationId": "state",
        "summary": "The market clock, the session phase and what is going on.",
        "responses": {
          "200": {
            "description": "The state.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/State"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          }
        }
      }
    },
    "/control/clock": {
      "post": {
        "operationId": "clock",
        "summary": "Sets the speed, pauses, resumes, or jumps forward.",
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "oneOf": [
                  {
                    "type": "object",
                    "required": [
                      "speed"
                    ],
                    "additionalProperties": false,
                    "properties": {
                      "speed": {
                        "oneOf": [
                          {
                            "type": "number",
                            "exclusiveMinimum": 0,
                            "maximum": 1000000
                          },
                          {
                            "const": "max"
                          }
                        ]
                      }
                    }
                  },
                  {
                    "type": "object",
                    "required": [
                      "pause"
                    ],
                    "additionalProperties": false,
                    "properties": {
                      "pause": {
                        "const": true
                      }
                    }
                  },
                  {
                    "type": "object",
                    "required": [
                      "resume"
                    ],
                    "additionalProperties": false,
                    "properties": {
                      "resume": {
                        "const": true
                      }
                    }
                  },
                  {
                    "type": "object",
                    "required": [
                      "jumpTo"
                    ],
                    "additionalProperties": false,
                    "properties": {
                      "jumpTo": {
                        "type": "string",
                        "description": "RFC 3339 (`2026-11-23T15:59:30-05:00`), a New York time without offset (`2026-11-23T15:59:30`), or a date (New York midnight); years 1970–2200.",
                        "examples": [
                          "2026-11-23T15:59:30-05:00"
                        ]
                      }
                    }
                  }
                ]
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The state after the change.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/State"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "400": {
            "description": "The request is not valid: `error` names the field and what was expected.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "413": {
            "description": "The body is over 1 MB.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        }
      }
    },
    "/control/connections": {
      "get": {
        "operationId": "connections",
        "summary": "The open stream connections: who each is, what it subscribed to, and what it was sent.",
        "responses": {
          "200": {
            "description": "Every open connection, in the order they connected.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": [
                    "connections"
                  ],
                  "additionalProperties": false,
                  "properties": {
                    "connections": {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/Connection"
                      }
                    }
                  }
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          }
        }
      }
    },
    "/control/faults": {
      "post": {
        "operationId": "addFault",
        "summary": "Posts a connection fault (drop, close, mute, slow, latency, disconnect-after, reject, auth-fail, connection-limit), now or at a market time.",
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/FaultRequest"
              }
            }
          }
        },
        "responses": {
          "201": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Fault"
                }
              }
            },
            "description": "The fault as stored, with its id (f1, f2, …) and the connections it reached."
          },
          "400": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "The request is not a fault: the error names the field and what was expected."
          },
          "404": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "A connection it names is not open."
          },
          "409": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "The session holds the most faults it keeps."
          },
          "413": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "The body is over 1 MB."
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          }
        }
      },
      "get": {
        "operationId": "faults",
        "summary": "The session's faults, each scheduled, active or ended.",
        "responses": {
          "200": {
            "description": "The faults, in the order they were posted.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": [
                    "faults"
                  ],
                  "additionalProperties": false,
                  "properties": {
                    "faults": {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/Fault"
                      }
                    }
                  }
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          }
        }
      }
    },
    "/control/faults/{id}": {
      "delete": {
        "operationId": "endFault",
        "summary": "Ends a lasting fault now, or calls off one still to come.",
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Fault"
                }
              }
            },
            "description": "The fault, ended."
          },
          "404": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "No fault has this id."
          },
          "409": {
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "description": "A drop or a close already acted and has nothing to end."
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          }
        }
      }
    },
    "/control/journal": {
      "get": {
        "operationId": "journal",
        "summary": "What clients sent and what happened to their connections, oldest first.",
        "description": "Bounded: the last 100,000 entries by default (`serve --journal-entries`), the oldest going first. A follower passes the answer's `next` as `after`.",
        "parameters": [
          {
            "name": "connection",
            "in": "query",
            "required": false,
            "schema": {
              "type": "string",
              "pattern": "^c[0-9]+(,c[0-9]+)*$"
            },
            "description": "Only these connections: c3, or c3,c4."
          },
          {
            "name": "kind",
            "in": "query",
            "required": false,
            "schema": {
              "type": "string",
              "examples": [
                "subscribed,dropped"
              ]
            },
            "description": "Only these kinds, comma-separated."
          },
          {
            "name": "since",
            "in": "query",
            "required": false,
            "schema": {
              "type": "string",
              "examples": [
                "2026-12-02T10:00:00Z"
              ]
            },
            "description": "Only entries recorded at or after this wall-clock time."
          },
          {
            "name": "after",
            "in": "query",
            "required": false,
            "schema": {
              "type": "integer",
              "minimum": 0
            },
            "description": "Only entries after this sequence number."
          },
          {
            "name": "limit",
            "in": "query",
            "required": false,
            "schema": {
              "type": "integer",
              "minimum": 1,
              "maximum": 100000
            },
            "description": "At most this many entries. Default 1000."
          }
        ],
        "responses": {
          "200": {
            "description": "A page of entries.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": [
                    "entries",
                    "next",
                    "discarded"
                  ],
                  "additionalProperties": false,
                  "properties": {
                    "entries": {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/JournalEntry"
                      }
                    },
                    "next": {
                      "type": "integer",
                      "minimum": 0,
                      "description": "The sequence number to pass as `after` for what comes next."
                    },
                    "discarded": {
                      "type": "integer",
                      "minimum": 0,
                      "description": "Entries the bound pushed out since the journal was last cleared."
                    }
                  }
                }
              }
            }
          },
          "400": {
            "description": "A query parameter is not one the journal takes, or not in its form.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          }
        }
      },
      "delete": {
        "operationId": "clearJournal",
        "summary": "Clears the journal (sequence numbers go on).",
        "responses": {
          "200": {
            "description": "How many entries went.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": [
                    "cleared"
                  ],
                  "additionalProperties": false,
                  "properties": {
                    "cleared": {
                      "type": "integer",
                      "minimum": 0
                    }
                  }
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          }
        }
      }
    },
    "/control/openapi.json": {
      "get": {
        "operationId": "openapi",
        "summary": "This document.",
        "responses": {
          "200": {
            "description": "The OpenAPI document.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          }
        }
      }
    }
  }
}

"""#
}
