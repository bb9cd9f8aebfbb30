Feature: Failures are the same kinds, with the same exit codes, on every provider

  Scenario Outline: a request that is wrong before it is sent, on <provider>
    Given the "<provider>" provider
    When I generate an answer to "hi" with temperature 3
    Then it fails as "usage" with exit code 2
    And no request reached the server

    Examples:
      | provider   |
      | offline    |
      | openrouter |
      | lmstudio   |

  Scenario Outline: the server is down, on <provider>
    Given the "<provider>" provider
    And its server is down
    When I generate an answer to "hi"
    Then it fails as "connection" with exit code 7

    Examples:
      | provider   |
      | openrouter |
      | lmstudio   |

  Scenario Outline: the server keeps failing with 503, on <provider>
    Given the "<provider>" provider
    And its server answers 503 to every chat request
    When I generate an answer to "hi"
    Then it fails as "connection" with exit code 7
    And the server was asked 2 times

    Examples:
      | provider   |
      | openrouter |
      | lmstudio   |

  Scenario Outline: the key is rejected, on <provider>
    Given the "<provider>" provider
    And its server rejects the key
    When I generate an answer to "hi"
    Then it fails as "auth" with exit code 4

    Examples:
      | provider   |
      | openrouter |
      | lmstudio   |

  Scenario Outline: the stream breaks off after two pieces, on <provider>
    Given the "<provider>" provider
    And its server drops the stream after 2 pieces
    When I stream an answer to "hi"
    Then it fails as "connection" with exit code 7
    And the partial answer "part0 part1 " was kept

    Examples:
      | provider   |
      | openrouter |
      | lmstudio   |
