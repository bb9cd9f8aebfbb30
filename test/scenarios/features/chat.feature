Feature: One chat contract, whichever provider answers
  The offline provider, OpenRouter and an OpenAI-compatible server (LM Studio's flavour) give
  the same results through the library: text from generate, the same text piece by piece from
  a stream, earlier messages sent as context, and usage at the end.

  Scenario Outline: generate and stream agree on <provider>
    Given the "<provider>" provider
    When I generate an answer to "Say hello in three words"
    And I stream an answer to "Say hello in three words"
    Then the answer is not empty
    And the streamed pieces join into the generated answer
    And the stream came in more than one piece
    And the stream reported usage

    Examples:
      | provider   |
      | offline    |
      | openrouter |
      | lmstudio   |

  Scenario Outline: earlier messages go with the prompt on <provider>
    Given the "<provider>" provider
    When I generate an answer to "And in French?" after the conversation:
      | role      | content              |
      | system    | Be brief.            |
      | user      | Say hello.           |
      | assistant | Hello.               |
    Then the provider saw 4 messages, the last from the user

    Examples:
      | provider   |
      | offline    |
      | openrouter |
      | lmstudio   |

  Scenario Outline: streaming with context on <provider>
    Given the "<provider>" provider
    When I stream an answer to "Go on" after the conversation:
      | role      | content  |
      | user      | Count.   |
      | assistant | 1, 2, 3. |
    Then the answer is not empty
    And the provider saw 3 messages, the last from the user

    Examples:
      | provider   |
      | offline    |
      | openrouter |
      | lmstudio   |
