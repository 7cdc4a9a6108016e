from mmnotif_check.cli import main

main()
