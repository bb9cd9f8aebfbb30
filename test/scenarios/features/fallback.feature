Feature: When OpenRouter is down, the fallback answers and says so
  llm.fallback lists providers tried in order when the chosen one is unavailable: a
  connection failure, an open breaker, or a 5xx after the retries. Never a rejected key.

  Scenario Outline: OpenRouter is down and <fallback> answers
    Given the "openrouter" provider with the fallback "<fallback>"
    And OpenRouter is down
    When I stream an answer to "hi"
    Then the answer is not empty
    And "<fallback>" answered after a fallback from "openrouter"

    Examples:
      | fallback |
      | lmstudio |
      | offline  |

  Scenario: OpenRouter keeps failing with 502, LM Studio answers
    Given the "openrouter" provider with the fallback "lmstudio"
    And its server answers 502 to every chat request
    When I generate an answer to "hi"
    Then the answer is not empty
    And "lmstudio" answered after a fallback from "openrouter"

  Scenario: a rejected key is not hidden by the fallback
    Given the "openrouter" provider with the fallback "lmstudio"
    And its server rejects the key
    When I generate an answer to "hi"
    Then it fails as "auth" with exit code 4
    And LM Studio was not asked

  Scenario Outline: the command line says who answered, with OpenRouter <state>
    Given OpenRouter is <state>
    When I run devsynth-or with the fallback "lmstudio": chat --json "hi"
    Then the command exits with 0
    And its JSON says it was answered by "<answered_by>"
    And its standard error <says> "answering with lmstudio"

    Examples:
      | state | answered_by | says           |
      | up    | openrouter  | does not say   |
      | down  | lmstudio    | says           |

  Scenario Outline: the command line with --provider <provider>
    When I run devsynth-or with the provider "<provider>": chat --json "hi"
    Then the command exits with 0
    And its JSON says it was answered by "<provider>"
    And its JSON content is not empty

    Examples:
      | provider   |
      | offline    |
      | openrouter |
      | lmstudio   |
