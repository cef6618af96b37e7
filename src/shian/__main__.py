from shian.manage import main

main()
