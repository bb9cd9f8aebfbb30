Feature: Embeddings are the same shape everywhere
  Same text, same vector; one vector per input, in input order, all of one length.

  Scenario Outline: embedding texts with <provider>
    Given the "<provider>" provider
    When I embed the texts "alpha", "beta" and "alpha"
    Then I get 3 vectors of one length
    And vectors 1 and 3 are equal
    And vectors 1 and 2 differ

    Examples:
      | provider   |
      | offline    |
      | openrouter |
      | lmstudio   |

  Scenario Outline: one text gives one vector with <provider>
    Given the "<provider>" provider
    When I embed the text "a single line"
    Then I get 1 vector of one length

    Examples:
      | provider   |
      | offline    |
      | openrouter |
      | lmstudio   |
