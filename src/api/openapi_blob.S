/* Links docs/openapi.yaml into the binary so that one file deploys. */
    .section .rodata
    .global openapi_yaml
    .global openapi_yaml_end
openapi_yaml:
    .incbin "docs/openapi.yaml"
openapi_yaml_end:
    .byte 0
    .section .note.GNU-stack,"",@progbits
